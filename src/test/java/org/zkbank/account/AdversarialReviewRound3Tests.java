package org.zkbank.account;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.Outcome;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.zookeeper.ZooKeeperProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaks a third adversarial round found, each failing before its fix: a lost reply
 * across a new audit (the audit root deleted and started again) was applied twice, and
 * the start of an audit replaced an access list an operator had chosen, unconditionally.
 * Real in-process ZooKeeper server, no mocks.
 */
class AdversarialReviewRound3Tests {

	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest();

	private final DepositSettings properties = RealZooKeeper.properties(Duration.ofSeconds(3));

	// ---------------------------------------------------------------- entryTamperedSince
	// across a replaced audit root

	/**
	 * A first commit of Alice (it creates her entry) is applied but its reply is lost.
	 * While it is unresolved, the audit is started anew (deleteall /bank_deposit_audit).
	 * The lost commit reads again: the read starts a new audit whose opening balance
	 * already holds the lost deposit, Alice has no entry, the root's child counts start
	 * from zero (deletedSince is not positive), and then.totalsVersion was NO_NODE:
	 * entryTamperedSince says no, the fate is NOT_APPLIED, and the deposit is sent and
	 * applied a second time.
	 */
	@Test
	void aLostFirstCommitAcrossANewAuditIsNotAppliedTwice() throws Exception {
		DepositAccount first = behindProxy("Alice");
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit");
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		this.zk.assertNotAppliedTwice(this.properties, result, "1100.00");
	}

	/**
	 * The same for a later commit: the audit is started anew and another instance of
	 * Alice commits first, creating a fresh entry at commits 1 under a fresh root.
	 * Nothing in entryTamperedSince sees that the root itself was replaced.
	 */
	@Test
	void aLostCommitAcrossANewAuditAndAnotherInstanceIsNotAppliedTwice() throws Exception {
		DepositAccount first = behindProxy("Alice");
		first.commit(Operation.deposit(new BigDecimal("1.00")), first.read());
		Snapshot read = first.read();
		CompletableFuture<CommitResult> lost = this.zk.proxy()
			.loseReplyOf(() -> first.commit(Operation.deposit(new BigDecimal("100.00")), read));
		this.zk.zkCli().delete().deletingChildrenIfNeeded().forPath("/bank_deposit_audit");
		CommitResult other = account("Alice").commit(Operation.deposit(new BigDecimal("1.00")), null);
		this.zk.proxy().heal();

		CommitResult result = lost.get(30, TimeUnit.SECONDS);

		System.out.println("other " + other.single().outcome());
		assertThat(other.single().outcome()).isEqualTo(Outcome.COMMITTED);
		this.zk.assertNotAppliedTwice(this.properties, result, "1102.00");
	}

	// ---------------------------------------------------------------- a replaced entry
	// with a marker made with it

	// ---------------------------------------------------------------- (7) nothing is
	// sent at version -1

	/**
	 * With credentials, the start of the audit on a balance created by zkCli calls setACL
	 * on it at version -1 (DepositNodes.startAudit), outside the start's multi:
	 * unconditional, whatever the ACL is. An ACL the operator gave the node (the bank's
	 * user may do all, and so may "ops") is overwritten without being read or reported.
	 */
	@Test
	void theStartOfAnAuditDoesNotOverwriteTheBalanceAclUnconditionally() throws Exception {
		CuratorFramework ops = this.zk.connectAs("ops", "ops-secret");
		java.util.List<org.apache.zookeeper.data.ACL> acl = java.util.Arrays.asList(
				new org.apache.zookeeper.data.ACL(org.apache.zookeeper.ZooDefs.Perms.ALL,
						new org.apache.zookeeper.data.Id("digest",
								org.apache.zookeeper.server.auth.DigestAuthenticationProvider
									.generateDigest("bank:s3cret"))),
				new org.apache.zookeeper.data.ACL(org.apache.zookeeper.ZooDefs.Perms.ALL,
						new org.apache.zookeeper.data.Id("digest",
								org.apache.zookeeper.server.auth.DigestAuthenticationProvider
									.generateDigest("ops:ops-secret"))));
		ops.create().withACL(acl).forPath("/bank_deposit", bytes("500"));
		DepositSettings secured = new DepositSettings(new DepositProperties("/bank_deposit", new BigDecimal("1000")),
				this.properties.retry(), new ZooKeeperProperties.Auth("bank", "s3cret"));
		DepositAccount alice = new DepositAccount(this.zk.connectAs("bank", "s3cret"), secured, "Alice",
				new StopSignal());

		alice.read();

		org.apache.zookeeper.data.Stat stat = new org.apache.zookeeper.data.Stat();
		java.util.List<org.apache.zookeeper.data.ACL> after = ops.getACL().storingStatIn(stat).forPath("/bank_deposit");
		System.out.println("ACL after the start of the audit: " + after + " aversion " + stat.getAversion());
		// the server shows digests as user:x, so compare the users
		assertThat(after.stream().map((entry) -> entry.getId().getId().split(":")[0] + "/" + entry.getPerms()).toList())
			.as("the bank sent setACL at version -1 and replaced the operator's ACL (aversion now %d)",
					stat.getAversion())
			.containsExactlyInAnyOrder("bank/31", "ops/31");
	}

	// ---------------------------------------------------------------- a replaced balance
	// with a marker, between read and commit

	// ---------------------------------------------------------------- helpers

	private DepositAccount account(String customer) throws InterruptedException {
		return this.zk.account(this.properties, customer);
	}

	private DepositAccount behindProxy(String customer) throws InterruptedException {
		return this.zk.behindProxy(this.properties, customer);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
