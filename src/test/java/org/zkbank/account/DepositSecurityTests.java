package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperTestClients;
import org.zkbank.zookeeper.ZooKeeperProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With {@code bank.zookeeper.auth}, only the customers may change the bank nodes; anyone
 * may read them.
 */
class DepositSecurityTests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings secured = ZooKeeperTestClients.properties("/bank_deposit",
			new ZooKeeperProperties.Auth("bank", "s3cret"));

	@Test
	void anUnauthenticatedWriterIsRefusedAndAReaderIsNot() throws Exception {
		DepositAccount alice = customer("s3cret");
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());

		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().setData().forPath("/bank_deposit", bytes("0")));
		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().setData().forPath("/bank_deposit_audit/Alice", bytes("{}")));
		assertThat(new String(anonymous().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo("1010.00");
		assertThat(new DepositAudit(anonymous(), this.secured).report().conserved()).isTrue();
	}

	@Test
	void theLineForTurnsIsTheBanksToChangeAndAnyonesToRead() throws Exception {
		DepositAccount alice = customer("s3cret");
		DepositAccount bob = customer("s3cret");
		Snapshot stale = alice.read();
		bob.commit(Operation.deposit(new BigDecimal("10.00")), bob.read());
		// Alice loses the race twice in a row (she never committed): she takes a place in
		// line, waits out her lease with nobody to hand her the turn, and leaves the line
		// when her write wins
		bob.commit(Operation.deposit(new BigDecimal("10.00")), null);

		CommitResult result = alice.commit(Operation.deposit(new BigDecimal("1.00")), stale);

		assertThat(result.single().outcome()).isEqualTo(Outcome.COMMITTED);
		assertThat(result.stats().turnWait()).isPositive();
		assertThat(anonymous().getACL().forPath("/bank_deposit_turns")).extracting(ACL::getPerms)
			.containsExactlyInAnyOrder(ZooDefs.Perms.ALL, ZooDefs.Perms.READ);
		assertThat(anonymous().getChildren().forPath("/bank_deposit_turns")).isEmpty();
		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().create().forPath("/bank_deposit_turns/anyone-0000000001"));
		// under an open parent anyone may delete the empty line, as any empty node: the
		// next customer that waits makes it again, and commits never depend on it
		anonymous().delete().forPath("/bank_deposit_turns");
		Snapshot staleAgain = alice.read();
		bob.commit(Operation.deposit(new BigDecimal("10.00")), null);
		bob.commit(Operation.deposit(new BigDecimal("10.00")), null);
		assertThat(alice.commit(Operation.deposit(new BigDecimal("1.00")), staleAgain).single().outcome())
			.isEqualTo(Outcome.COMMITTED);
		assertThat(new DepositAudit(anonymous(), this.secured).report().conserved()).isTrue();
	}

	@Test
	void aNodeZkCliCreatedOpenToAllIsClosedWhenTheAuditStarts() throws Exception {
		anonymous().create().forPath("/bank_deposit", bytes("1000"));

		customer("s3cret").read();

		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().setData().forPath("/bank_deposit", bytes("0")));
	}

	@Test
	void aCustomerWithTheWrongPasswordChangesNothing() throws Exception {
		DepositAccount alice = customer("s3cret");
		Snapshot read = alice.read();
		DepositAccount impostor = new DepositAccount(this.zk.connectAs("bank", "guess"), this.secured, "Alice",
				new StopSignal());

		CommitResult result = impostor.commit(Operation.withdraw(new BigDecimal("1000.00")), read);

		assertThat(result.single().outcome()).isEqualTo(Outcome.FAILED);
		assertThat(result.single().reason()).contains("NoAuth");
		assertThat(new String(anonymous().getData().forPath("/bank_deposit"), StandardCharsets.UTF_8))
			.isEqualTo("1000");
	}

	@Test
	void evenUnderAnOpenParentAnUnauthenticatedClientCannotDeleteTheDeposit() throws Exception {
		DepositAccount alice = customer("s3cret");
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());

		// the right to delete a node comes from its parent, here the open root; but the
		// node has a child, the audit's marker, which only the bank may delete
		assertThatExceptionOfType(KeeperException.NotEmptyException.class)
			.isThrownBy(() -> anonymous().delete().forPath("/bank_deposit"));
		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().delete().deletingChildrenIfNeeded().forPath("/bank_deposit"));
		assertThat(new DepositAudit(anonymous(), this.secured).report().conserved()).isTrue();
	}

	@Test
	void underAParentProtectedAsTheInitProtectsItAnUnauthenticatedDeleteIsRefused() throws Exception {
		DepositSettings underParent = ZooKeeperTestClients.properties("/bank/deposit",
				new ZooKeeperProperties.Auth("bank", "s3cret"));
		CuratorFramework bank = this.zk.connectAs("bank", "s3cret");
		// what config/zookeeper/init-deposit.sh does with credentials: only the bank may
		// change the parent
		bank.create()
			.withACL(List.of(new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
					new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)))
			.forPath("/bank");
		DepositAccount alice = new DepositAccount(bank, underParent, "Alice", new StopSignal());
		alice.commit(Operation.deposit(new BigDecimal("10.00")), alice.read());

		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().delete().forPath("/bank/deposit"));
		assertThatExceptionOfType(KeeperException.NoAuthException.class)
			.isThrownBy(() -> anonymous().delete().forPath("/bank/deposit_audit/Alice"));
		assertThat(new DepositAudit(anonymous(), underParent).report().conserved()).isTrue();
	}

	private DepositAccount customer(String password) throws InterruptedException {
		return new DepositAccount(this.zk.connectAs("bank", password), this.secured, "Alice", new StopSignal());
	}

	/** A client without credentials, as zkCli. */
	private CuratorFramework anonymous() {
		return this.zk.zkCli();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
