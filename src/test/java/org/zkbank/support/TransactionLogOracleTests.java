package org.zkbank.support;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.AuditReport;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The oracle passes a real history, and fails a log with a commit applied twice or a
 * foreign write.
 */
class TransactionLogOracleTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	@BeforeEach
	void commit() throws Exception {
		DepositAccount alice = this.zk.account(this.bank, "Alice");
		this.zk.record(alice.commit(Operation.deposit(new BigDecimal("100.00")), alice.read()));
		this.zk.record(alice.commit(
				List.of(Operation.withdraw(new BigDecimal("30.00")), Operation.withdraw(new BigDecimal("5000.00"))),
				null));
	}

	@Test
	void passesTheHistoryOfRealCommits() {
		TransactionLogOracle.Verdict verdict = oracle().check(this.zk.history(), audit(), 0);

		assertThat(verdict.commits()).isEqualTo(2);
		assertThat(verdict.committedOperations()).isEqualTo(2);
		assertThat(verdict.finalBalance()).isEqualByComparingTo("1070.00");
	}

	@Test
	void failsALogInWhichACommitIsAppliedTwice() throws Exception {
		// the last commit again, as a resend after a lost reply would apply it: same
		// instance and sequence
		CuratorFramework zkCli = this.zk.zkCli();
		Stat balance = new Stat();
		Stat entry = new Stat();
		zkCli.getData().storingStatIn(balance).forPath(this.bank.deposit().path());
		String totals = new String(
				zkCli.getData().storingStatIn(entry).forPath(this.bank.deposit().auditPath() + "/Alice"),
				StandardCharsets.UTF_8);
		String again = totals.replace("\"withdrawn\":\"30.00\"", "\"withdrawn\":\"60.00\"")
			.replace("\"operations\":2", "\"operations\":3")
			.replace("\"commits\":2", "\"commits\":3")
			.replace("\"commit\":2}", "\"commit\":3}");
		zkCli.transaction()
			.forOperations(
					zkCli.transactionOp()
						.setData()
						.withVersion(balance.getVersion())
						.forPath(this.bank.deposit().path(), bytes("1040.00")),
					zkCli.transactionOp()
						.setData()
						.withVersion(entry.getVersion())
						.forPath(this.bank.deposit().auditPath() + "/Alice", bytes(again)));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> oracle().check(this.zk.history(), audit(), 1))
			.withMessageContaining("is applied twice");
	}

	@Test
	void failsALogWithAForeignWrite() throws Exception {
		this.zk.zkCli().setData().forPath(this.bank.deposit().path(), bytes("1070.00"));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> oracle().check(this.zk.history(), audit(), 0))
			.withMessageContaining("outside a commit");
	}

	private TransactionLogOracle oracle() {
		return this.zk.oracle(this.bank);
	}

	private AuditReport audit() {
		return new DepositAudit(this.zk.zkCli(), this.bank).report();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
