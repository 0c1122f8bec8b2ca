package org.zkbank.account;

import java.math.BigDecimal;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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

import org.zkbank.zookeeper.ZooKeeperProperties;

/**
 * The ZooKeeper nodes of one deposit, seen through one client session:
 *
 * <pre>
 * /bank_deposit              "1234.56"  the balance, a plain decimal string
 * /bank_deposit/audited      (empty)    marks the balance node the audit started on
 * /bank_deposit_audit        {"openingBalance":"1000","openingVersion":0,"rollovers":0,"writesBefore":0}
 * /bank_deposit_audit/Alice  {"deposited":"..","withdrawn":"..","operations":17,"commits":15,
 *                             "instances":{"3f2a..":{"sequence":9,"commit":15}},"evictedThrough":0,"firstCommit":1}
 * /bank_deposit_audit/Alice/audited  (empty)  marks the entry the customers created
 * /bank_deposit_turns        (empty)    the line for turns ({@link TurnQueue}): never part of a commit
 * </pre>
 *
 * A marker is created with its node (with the audit, with a customer's first commit, and
 * again when a rollover recreates the node), and every commit checks both markers in its
 * {@code multi}: a node that someone else deleted and created again has none, so no
 * commit can write to it, whatever its version.
 *
 * Reads of several nodes are one atomic {@code multiRead}; writes are one {@code multi}.
 * Both are single round trips on the raw ZooKeeper handle, without Curator's retry loop:
 * a lost write must come back to the caller as ambiguous, and a read while disconnected
 * fails fast so that the caller's stop-aware pause decides how long to wait.
 */
final class DepositNodes {

	private static final Logger log = LoggerFactory.getLogger(DepositNodes.class);

	private final CuratorFramework client;

	private final String depositPath;

	private final String auditPath;

	private final String turnsPath;

	private final BigDecimal openingBalance;

	private final boolean secured;

	private final List<ACL> acl;

	DepositNodes(CuratorFramework client, DepositSettings properties) {
		this.client = client;
		this.depositPath = properties.deposit().path();
		this.auditPath = properties.deposit().auditPath();
		this.turnsPath = properties.deposit().turnsPath();
		this.openingBalance = properties.deposit().openingBalance();
		this.secured = properties.auth().enabled();
		this.acl = acl(properties.auth());
	}

	/**
	 * Open to all without credentials; with them, all rights for that user and reading
	 * for everyone.
	 */
	private static List<ACL> acl(ZooKeeperProperties.Auth auth) {
		if (!auth.enabled()) {
			return ZooDefs.Ids.OPEN_ACL_UNSAFE;
		}
		try {
			Id user = new Id("digest",
					DigestAuthenticationProvider.generateDigest(auth.username() + ":" + auth.password()));
			// not List.of: ZooKeeper asks the list whether it contains null, which
			// List.of refuses to answer
			return Arrays.asList(new ACL(ZooDefs.Perms.ALL, user),
					new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
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

	String turnsPath() {
		return this.turnsPath;
	}

	/**
	 * The access list every bank node is created with: open to all without credentials;
	 * with them, all rights for that user and reading for everyone.
	 */
	List<ACL> acl() {
		return this.acl;
	}

	String customerPath(String customer) {
		return this.auditPath + "/" + customer;
	}

	/** The child of the balance node that marks it as the audited one. */
	String markerPath() {
		return markerOf(this.depositPath);
	}

	/**
	 * The child created with a node the bank writes, and checked by every write of it: a
	 * node that someone else deleted and created again has none, so no write can land on
	 * it.
	 */
	static String markerOf(String path) {
		return path + "/audited";
	}

	/**
	 * Fails unless an audit entry's marker exists as the bank left it and was created
	 * with the entry: an entry someone else deleted and created again is not written to.
	 */
	static void requireOwnEntry(OpResult.GetDataResult entry, OpResult marker, String path) {
		OpResult.GetDataResult found = found(marker, markerOf(path));
		if (found == null || found.getStat().getVersion() != 0 || found.getStat().getDataLength() != 0
				|| found.getStat().getCzxid() != entry.getStat().getCzxid()) {
			throw new DepositException(DepositException.Problem.CORRUPT_AUDIT, path + " was deleted and created "
					+ "again, or its marker written, by someone other than the customers; it is left untouched until "
					+ "it is fixed");
		}
	}

	/**
	 * One node's data from a read: {@code null} if the node does not exist.
	 * @throws DepositException when ZooKeeper refused to read it (for instance access
	 * control)
	 */
	static OpResult.GetDataResult found(OpResult result, String path) {
		if (result instanceof OpResult.GetDataResult data) {
			return data;
		}
		int code = (result instanceof OpResult.ErrorResult error) ? error.getErr()
				: KeeperException.Code.SYSTEMERROR.intValue();
		if (code == KeeperException.Code.NONODE.intValue()) {
			return null;
		}
		throw failure(KeeperException.create(KeeperException.Code.get(code), path));
	}

	/**
	 * Fails unless the balance node is the one the audit started on: its marker exists,
	 * as the bank left it (empty, never written), and was created by the same transaction
	 * that last wrote the audit root (the audit's start, or the last rollover).
	 * @param root the audit root's node figures
	 */
	void requireAudited(OpResult marker, Stat root) {
		OpResult.GetDataResult found = found(marker, markerPath());
		String why = (found == null) ? "it has no " + markerPath()
				: (found.getStat().getVersion() != 0 || found.getStat().getDataLength() != 0)
						? markerPath() + " was written to" : (found.getStat().getCzxid() != root.getMzxid())
								? markerPath() + " and the audit root were not written together" : null;
		if (why != null) {
			throw new DepositException(DepositException.Problem.DEPOSIT_REPLACED,
					this.depositPath + " is not the node the audit started on, or someone rewrote the audit (" + why
							+ "); it is not written to until an operator starts a new audit");
		}
	}

	/**
	 * Reads several nodes atomically; a missing node is an {@link OpResult.ErrorResult}
	 * in its place.
	 */
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

	/**
	 * Sends one atomic write; every exception leaves it to the caller whether the write
	 * may have applied.
	 */
	List<OpResult> write(List<Op> writes) throws KeeperException, InterruptedException {
		return connected().multi(writes);
	}

	/**
	 * Starts the audit, once per deposit: records the opening balance and its version in
	 * the audit root, atomically with a check (or the creation) of the balance node, so
	 * no write can slip in between. Losing the race to another customer is fine.
	 * @param balance the read of the balance node, a missing node as
	 * {@link OpResult.ErrorResult}
	 * @param marker the read of its marker: one left from an audit whose root was deleted
	 * (an operator starting a new audit) is replaced by a new one
	 */
	void startAudit(OpResult balance, OpResult marker) {
		List<Op> writes = new ArrayList<>(4);
		AuditOpening opening;
		OpResult.GetDataResult existing = found(balance, this.depositPath);
		OpResult.GetDataResult oldMarker = found(marker, markerPath());
		if (oldMarker != null && oldMarker.getStat().getVersion() < 0) {
			throw atUnconditionalVersion(DepositException.Problem.CORRUPT_BALANCE, markerPath());
		}
		if (existing != null) {
			if (existing.getStat().getVersion() == Snapshot.UNCONDITIONAL) {
				throw atUnconditionalVersion(DepositException.Problem.CORRUPT_BALANCE, this.depositPath);
			}
			opening = AuditOpening.of(Money.parse(existing.getData(), this.depositPath),
					existing.getStat().getVersion());
			writes.add(Op.check(this.depositPath, opening.openingVersion()));
			if (oldMarker != null) {
				writes.add(Op.delete(markerPath(), oldMarker.getStat().getVersion()));
			}
		}
		else {
			opening = AuditOpening.of(this.openingBalance, 0);
			writes.add(create(this.depositPath, Money.encode(this.openingBalance)));
		}
		// the marker and the root in one transaction: the marker's czxid is the root's
		// mzxid
		writes.add(create(markerPath(), new byte[0]));
		writes.add(create(this.auditPath, opening));
		try {
			if (existing != null && this.secured) {
				closeIfOpen();
			}
			write(writes);
			log.info("Audit of {} started: opening balance {} at version {}", this.depositPath,
					Money.format(opening.openingBalance()), opening.openingVersion());
		}
		catch (KeeperException.NoNodeException ex) {
			if (existing == null) {
				throw new DepositException(DepositException.Problem.DEPOSIT_MISSING,
						"the parent of " + this.depositPath
								+ " does not exist; the bank does not create it (zkCli.sh create " + parent() + ")",
						ex);
			}
			// the balance was deleted meanwhile: the caller reads again
		}
		catch (KeeperException.NodeExistsException | KeeperException.BadVersionException ex) {
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

	/**
	 * A node created by zkCli is open to all: from now on only the customers may change
	 * it. An access list someone chose (anything that does not let everyone write) is
	 * left as it is, and the list is set at the version read, so that one set meanwhile
	 * is not overwritten.
	 */
	private void closeIfOpen() throws KeeperException, InterruptedException {
		Stat stat = new Stat();
		List<ACL> current = connected().getACL(this.depositPath, stat);
		boolean open = current.stream()
			.anyMatch((entry) -> ZooDefs.Ids.ANYONE_ID_UNSAFE.equals(entry.getId())
					&& (entry.getPerms() & (ZooDefs.Perms.WRITE | ZooDefs.Perms.DELETE | ZooDefs.Perms.ADMIN)) != 0);
		if (open) {
			connected().setACL(this.depositPath, this.acl, stat.getAversion());
		}
	}

	Op create(String path, Object audit) {
		return create(path, AuditCodec.encode(audit));
	}

	Op create(String path, byte[] data) {
		return Op.create(path, data, this.acl, CreateMode.PERSISTENT);
	}

	private String parent() {
		int slash = this.depositPath.lastIndexOf('/');
		return (slash > 0) ? this.depositPath.substring(0, slash) : "/";
	}

	/**
	 * A node at version -1, which only someone other than the customers can leave there.
	 */
	static DepositException atUnconditionalVersion(DepositException.Problem problem, String path) {
		return new DepositException(problem, path + " is at version -1, where ZooKeeper takes a versioned write for an "
				+ "unconditional one; it is not written to until an operator recreates it");
	}

	static boolean isConnectionProblem(KeeperException ex) {
		return switch (ex.code()) {
			case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, REQUESTTIMEOUT -> true;
			default -> false;
		};
	}

	static DepositException failure(KeeperException ex) {
		return isConnectionProblem(ex) ? unavailable(ex) : new DepositException(DepositException.Problem.REFUSED,
				"ZooKeeper refused the request: " + ex.getMessage(), ex);
	}

	/**
	 * The session's raw ZooKeeper handle, without Curator's retry loop.
	 * @throws DepositException when the session is not connected
	 */
	ZooKeeper connected() {
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
