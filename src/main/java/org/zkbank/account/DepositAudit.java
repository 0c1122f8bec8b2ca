package org.zkbank.account;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * Checks conservation from outside the customers: reads the balance, the opening record
 * and every customer's totals in one atomic {@code multiRead} (in parts of
 * {@value #ENTRIES_PER_READ} entries, each with the balance, for more customer names), so
 * that no commit can fall between two of the reads while customers keep writing.
 * Read-only: it never starts or repairs anything.
 */
public final class DepositAudit {

	/**
	 * Entries read in one request. An entry holds up to 32 instance records (about 1.7
	 * KB), so this keeps a reply far below the client's 1 MB limit, past which it would
	 * drop its session.
	 */
	private static final int ENTRIES_PER_READ = 200;

	/**
	 * Audits that may find the balance moving between their parts before the audit gives
	 * up for now.
	 */
	private static final int MOVING_ATTEMPTS = 20;

	private final DepositNodes nodes;

	public DepositAudit(CuratorFramework client, DepositSettings properties) {
		this.nodes = new DepositNodes(client, properties);
	}

	/**
	 * Audits the deposit now.
	 * @throws DepositException when ZooKeeper is unavailable, the audit has not started,
	 * or a node is missing or corrupt
	 */
	public AuditReport report() {
		for (int attempt = 1;; attempt++) {
			List<String> customers = children();
			List<Op> reads = new ArrayList<>(
					List.of(Op.getData(this.nodes.depositPath()), Op.getData(this.nodes.auditPath()),
							Op.getChildren(this.nodes.auditPath()), Op.getData(this.nodes.markerPath())));
			reads.addAll(entryReads(customers, 0));
			List<OpResult> results = this.nodes.read(reads);
			if (!(results.get(2) instanceof OpResult.GetChildrenResult listed)
					|| !listed.getChildren().stream().sorted().toList().equals(customers)) {
				continue; // a customer's first commit came in between: read again with it
			}
			OpResult.GetDataResult balance = DepositNodes.found(results.get(0), this.nodes.depositPath());
			if (balance == null) {
				throw new DepositException(DepositException.Problem.DEPOSIT_MISSING,
						this.nodes.depositPath() + " was deleted after its audit started");
			}
			OpResult.GetDataResult root = DepositNodes.found(results.get(1), this.nodes.auditPath());
			if (root == null) {
				// the root was deleted after the list was read: the next list says so
				continue;
			}
			AuditOpening opening = AuditCodec.opening(root.getData(), this.nodes.auditPath());
			this.nodes.requireAudited(results.get(3), root.getStat());
			List<OpResult> entries = new ArrayList<>(results.subList(4, results.size()));
			if (!readRemainingEntries(customers, balance.getStat().getMzxid(), entries)) {
				if (attempt == MOVING_ATTEMPTS) {
					throw new DepositException(DepositException.Problem.AUDIT_BUSY, "the balance changed while each of "
							+ MOVING_ATTEMPTS + " audits read the " + customers.size() + " audit entries in parts");
				}
				continue;
			}
			Map<String, CustomerTotals> totals = new LinkedHashMap<>();
			for (int i = 0; i < customers.size(); i++) {
				String path = this.nodes.customerPath(customers.get(i));
				OpResult.GetDataResult entry = DepositNodes.found(entries.get(i), path);
				if (entry == null) {
					throw new DepositException(DepositException.Problem.CORRUPT_AUDIT, path + " vanished while listed");
				}
				totals.put(customers.get(i), AuditCodec.totals(entry.getData(), entry.getStat().getVersion(), path));
			}
			return AuditReport.of(Money.parse(balance.getData(), this.nodes.depositPath()),
					balance.getStat().getVersion(), opening, totals);
		}
	}

	/**
	 * Reads the entries past the first part, each part with the balance: every commit
	 * writes the balance, so if it is still at the given transaction, all parts are one
	 * consistent snapshot.
	 * @return whether the balance stayed put
	 */
	private boolean readRemainingEntries(List<String> customers, long balanceMzxid, List<OpResult> entries) {
		for (int from = ENTRIES_PER_READ; from < customers.size(); from += ENTRIES_PER_READ) {
			List<Op> reads = new ArrayList<>(List.of(Op.getData(this.nodes.depositPath())));
			reads.addAll(entryReads(customers, from));
			List<OpResult> results = this.nodes.read(reads);
			OpResult.GetDataResult balance = DepositNodes.found(results.get(0), this.nodes.depositPath());
			if (balance == null || balance.getStat().getMzxid() != balanceMzxid) {
				return false;
			}
			entries.addAll(results.subList(1, results.size()));
		}
		return true;
	}

	/** Reads of at most {@value #ENTRIES_PER_READ} entries from the given position. */
	private List<Op> entryReads(List<String> customers, int from) {
		return customers.subList(from, Math.min(customers.size(), from + ENTRIES_PER_READ))
			.stream()
			.map((customer) -> Op.getData(this.nodes.customerPath(customer)))
			.toList();
	}

	private List<String> children() {
		OpResult listed = this.nodes.read(List.of(Op.getChildren(this.nodes.auditPath()))).get(0);
		if (listed instanceof OpResult.GetChildrenResult children) {
			return children.getChildren().stream().sorted().toList();
		}
		if (listed instanceof OpResult.ErrorResult error && error.getErr() != KeeperException.Code.NONODE.intValue()) {
			throw DepositNodes
				.failure(KeeperException.create(KeeperException.Code.get(error.getErr()), this.nodes.auditPath()));
		}
		throw new DepositException(DepositException.Problem.DEPOSIT_MISSING,
				"the audit of " + this.nodes.depositPath() + " has not started: no customer has read it yet");
	}

}
