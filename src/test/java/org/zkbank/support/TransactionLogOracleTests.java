package org.zkbank.support;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.account.StopSignal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The oracle passes a real history, and fails a log with a commit applied twice or a foreign write. */
class TransactionLogOracleTests {

	private final ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	private final List<CommitResult> history = new ArrayList<>();

	private InProcessZooKeeper server;

	private CuratorFramework zkCli;

	@BeforeEach
	void setUp() throws Exception {
		this.server = new InProcessZooKeeper();
		this.zkCli = this.clients.connect(this.server.connectString());
		DepositAccount alice = new DepositAccount(this.clients.connect(this.server.connectString()), this.bank, "Alice",
				new StopSignal());
		this.history.add(alice.commit(Operation.deposit(new BigDecimal("100.00")), alice.read()));
		this.history.add(alice.commit(List.of(Operation.withdraw(new BigDecimal("30.00")),
				Operation.withdraw(new BigDecimal("5000.00"))), null));
	}

	@AfterEach
	void tearDown() throws Exception {
		this.clients.close();
		this.server.close();
	}

	@Test
	void passesTheHistoryOfRealCommits() {
		TransactionLogOracle.Verdict verdict = oracle().check(this.history, audit(), 0);

		assertThat(verdict.commits()).isEqualTo(2);
		assertThat(verdict.committedOperations()).isEqualTo(2);
		assertThat(verdict.finalBalance()).isEqualByComparingTo("1070.00");
	}

	@Test
	void failsALogInWhichACommitIsAppliedTwice() throws Exception {
		// the last commit again, as a resend after a lost reply would apply it: same instance and sequence
		Stat balance = new Stat();
		Stat entry = new Stat();
		this.zkCli.getData().storingStatIn(balance).forPath(this.bank.deposit().path());
		String totals = new String(this.zkCli.getData().storingStatIn(entry).forPath(this.bank.deposit().auditPath() + "/Alice"),
				StandardCharsets.UTF_8);
		String again = totals.replace("\"withdrawn\":\"30.00\"", "\"withdrawn\":\"60.00\"")
			.replace("\"operations\":2", "\"operations\":3")
			.replace("\"commits\":2", "\"commits\":3")
			.replace("\"commit\":2}", "\"commit\":3}");
		this.zkCli.transaction()
			.forOperations(this.zkCli.transactionOp().setData().withVersion(balance.getVersion()).forPath(
					this.bank.deposit().path(), bytes("1040.00")),
					this.zkCli.transactionOp().setData().withVersion(entry.getVersion()).forPath(
							this.bank.deposit().auditPath() + "/Alice", bytes(again)));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> oracle().check(this.history, audit(), 1))
			.withMessageContaining("is applied twice");
	}

	@Test
	void failsALogWithAForeignWrite() throws Exception {
		this.zkCli.setData().forPath(this.bank.deposit().path(), bytes("1070.00"));

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> oracle().check(this.history, audit(), 0))
			.withMessageContaining("outside a commit");
	}

	private TransactionLogOracle oracle() {
		return new TransactionLogOracle(this.bank, List.of(this.server.dataDirectory()));
	}

	private AuditReport audit() {
		return new DepositAudit(this.zkCli, this.bank).report();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
