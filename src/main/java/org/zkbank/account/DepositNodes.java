package org.zkbank.account;

import java.math.BigDecimal;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper nodes of one deposit, seen through one client session:
 *
 * <pre>
 * /bank_deposit              "1234.56"  the balance, a plain decimal string
 * /bank_deposit_audit        {"openingBalance":"1000","openingVersion":0,"depositCzxid":0,"rollovers":0,"writesBefore":0}
 * /bank_deposit_audit/Alice  {"deposited":"..","withdrawn":"..","operations":17,"commits":15,
 *                             "instances":{"3f2a..":{"sequence":9,"commit":15}},"evictedThrough":0}
 * </pre>
 *
 * Reads of several nodes are one atomic {@code multiRead}; writes are one {@code multi}. Both are
 * single round trips on the raw ZooKeeper handle, without Curator's retry loop: a lost write
 * must come back to the caller as ambiguous, and a read while disconnected fails fast so that the
 * caller's stop-aware pause decides how long to wait.
 */
final class DepositNodes {

	private static final Logger log = LoggerFactory.getLogger(DepositNodes.class);

	private final CuratorFramework client;

	private final String depositPath;

	private final String auditPath;

	private final boolean secured;

	private final List<ACL> acl;

	DepositNodes(CuratorFramework client, BankProperties properties) {
		this.client = client;
		this.depositPath = properties.depositPath();
		this.auditPath = properties.auditPath();
		this.secured = properties.zookeeperAuth().enabled();
		this.acl = acl(properties.zookeeperAuth());
	}

	/** Open to all without credentials; with them, all rights for that user and reading for everyone. */
	private static List<ACL> acl(BankProperties.ZooKeeperAuth auth) {
		if (!auth.enabled()) {
			return ZooDefs.Ids.OPEN_ACL_UNSAFE;
		}
		try {
			Id user = new Id("digest",
					DigestAuthenticationProvider.generateDigest(auth.username() + ":" + auth.password()));
			// not List.of: ZooKeeper asks the list whether it contains null, which List.of refuses to answer
			return Arrays.asList(new ACL(ZooDefs.Perms.ALL, user), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is needed for ZooKeeper digest authentication", ex);
		}
	}

	String depositPath() {
		return this.depositPath;
	}

	String auditPath() {
		return this.auditPath;
	}

	String customerPath(String customer) {
		return this.auditPath + "/" + customer;
	}

	/** Reads several nodes atomically; a missing node is an {@link OpResult.ErrorResult} in its place. */
	List<OpResult> read(List<Op> reads) {
		try {
			return connected().multi(reads);
		}
		catch (KeeperException ex) {
			throw failure(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(ex);
		}
	}

	/** Sends one atomic write; every exception leaves it to the caller whether the write may have applied. */
	List<OpResult> write(List<Op> writes) throws KeeperException, InterruptedException {
		return connected().multi(writes);
	}

	/**
	 * Starts the audit, once per deposit: records the opening balance and its version in the audit
	 * root, atomically with a check (or the creation) of the balance node, so no write can slip in
	 * between. Losing the race to another customer is fine.
	 * @param balance the read of the balance node, a missing node as {@link OpResult.ErrorResult}
	 */
	void startAudit(OpResult balance, BigDecimal openingBalance) {
		List<Op> writes;
		AuditOpening opening;
		if (balance instanceof OpResult.GetDataResult found) {
			opening = AuditOpening.of(Money.parse(found.getData(), this.depositPath), found.getStat().getVersion(),
					found.getStat().getCzxid());
			writes = List.of(Op.check(this.depositPath, opening.openingVersion()), create(this.auditPath, opening));
		}
		else {
			// created together: the balance node's creating transaction is the root's
			opening = AuditOpening.of(openingBalance, 0, 0);
			writes = List.of(create(this.depositPath, Money.encode(openingBalance)), create(this.auditPath, opening));
		}
		try {
			if (balance instanceof OpResult.GetDataResult && this.secured) {
				// a node created by zkCli is open to all: from now on only the customers may change it
				connected().setACL(this.depositPath, this.acl, -1);
			}
			write(writes);
			log.info("Audit of {} started: opening balance {} at version {}", this.depositPath,
					Money.format(opening.openingBalance()), opening.openingVersion());
		}
		catch (KeeperException.NodeExistsException | KeeperException.BadVersionException
				| KeeperException.NoNodeException ex) {
			// another customer started it, or the balance changed: the caller reads again
		}
		catch (KeeperException ex) {
			throw failure(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(ex);
		}
	}

	Op create(String path, Object audit) {
		return create(path, AuditCodec.encode(audit));
	}

	Op create(String path, byte[] data) {
		return Op.create(path, data, this.acl, CreateMode.PERSISTENT);
	}

	/**
	 * Fails unless the balance node is the one the audit started on (or the one a rollover
	 * created): a node deleted and created again by anyone else is a replaced deposit, whose
	 * value the audit cannot explain and the customers must not write to.
	 */
	void requireAudited(Stat balance, AuditOpening opening, Stat root) {
		long expected = opening.depositCzxid(root.getMzxid());
		if (balance.getCzxid() != expected) {
			String message = "%s was deleted and created again (transaction 0x%x, the audit started on 0x%x) by "
					+ "someone other than the customers; it is not written to until an operator restores it or starts "
					+ "a new audit";
			throw new DepositException(DepositException.Problem.DEPOSIT_REPLACED,
					message.formatted(this.depositPath, balance.getCzxid(), expected));
		}
	}

	static boolean isConnectionProblem(KeeperException ex) {
		return switch (ex.code()) {
			case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, REQUESTTIMEOUT -> true;
			default -> false;
		};
	}

	static DepositException failure(KeeperException ex) {
		return isConnectionProblem(ex) ? unavailable(ex)
				: new DepositException(DepositException.Problem.REFUSED,
						"ZooKeeper refused the request: " + ex.getMessage(), ex);
	}

	private ZooKeeper connected() {
		if (!this.client.getZookeeperClient().isConnected()) {
			throw unavailable(null);
		}
		try {
			return this.client.getZookeeperClient().getZooKeeper();
		}
		catch (Exception ex) {
			throw unavailable(ex);
		}
	}

	private static DepositException unavailable(Exception cause) {
		return new DepositException(DepositException.Problem.ZOOKEEPER_UNAVAILABLE,
				"ZooKeeper is not reachable; waiting for it", cause);
	}

}
