package org.zkbank.account;

import java.math.BigDecimal;
import java.util.List;

import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;

/**
 * Reads what one customer must hold to commit: the balance, the audit root and the
 * customer's audit entry, with the markers that tie them together, in one atomic round
 * trip. Remembers what the last read met.
 */
final class DepositReader {

	/**
	 * Reads that may find the audit not started (customers racing to start it) before
	 * that is a problem.
	 */
	private static final int AUDIT_START_ROUNDS = 10;

	private final DepositNodes nodes;

	private final String customer;

	private final RoundTrips roundTrips;

	/** What the last read met, {@code null} if it succeeded. */
	private volatile DepositException problem;

	DepositReader(DepositNodes nodes, String customer, RoundTrips roundTrips) {
		this.nodes = nodes;
		this.customer = customer;
		this.roundTrips = roundTrips;
	}

	DepositNodes nodes() {
		return this.nodes;
	}

	String customer() {
		return this.customer;
	}

	String customerPath() {
		return this.nodes.customerPath(this.customer);
	}

	/**
	 * What the last read met, or a defect met since; {@code null} if the last read
	 * succeeded.
	 */
	DepositException problem() {
		return this.problem;
	}

	/** Shows a defect as the problem until the next read. */
	void reportInternal(DepositException defect) {
		this.problem = defect;
	}

	/**
	 * Reads a snapshot. Starts the audit (and creates the balance node with the opening
	 * balance) when the deposit was never audited.
	 * @throws DepositException when ZooKeeper is unavailable or the deposit is missing or
	 * corrupt
	 */
	Snapshot read() {
		try {
			Snapshot snapshot = readOnce();
			this.problem = null;
			return snapshot;
		}
		catch (DepositException ex) {
			this.problem = ex;
			throw ex;
		}
	}

	private Snapshot readOnce() {
		String customerPath = customerPath();
		for (int round = 1;; round++) {
			long sent = System.nanoTime();
			List<OpResult> results = this.nodes.read(List.of(Op.getData(this.nodes.depositPath()),
					Op.getData(this.nodes.auditPath()), Op.getData(customerPath), Op.getData(this.nodes.markerPath()),
					Op.getData(DepositNodes.markerOf(customerPath))));
			this.roundTrips.record(sent);
			OpResult.GetDataResult balance = DepositNodes.found(results.get(0), this.nodes.depositPath());
			OpResult.GetDataResult root = DepositNodes.found(results.get(1), this.nodes.auditPath());
			if (root == null) {
				if (round > AUDIT_START_ROUNDS) {
					throw new DepositException(DepositException.Problem.REFUSED, "the audit of "
							+ this.nodes.depositPath() + " could not be started in " + AUDIT_START_ROUNDS + " tries");
				}
				this.nodes.startAudit(results.get(0), results.get(3));
				continue;
			}
			if (balance == null) {
				throw new DepositException(DepositException.Problem.DEPOSIT_MISSING, this.nodes.depositPath()
						+ " was deleted after its audit started; it is not recreated until an operator restores it");
			}
			AuditOpening opening = AuditCodec.opening(root.getData(), this.nodes.auditPath());
			this.nodes.requireAudited(results.get(3), root.getStat());
			if (balance.getStat().getVersion() == Snapshot.UNCONDITIONAL) {
				throw DepositNodes.atUnconditionalVersion(DepositException.Problem.CORRUPT_BALANCE,
						this.nodes.depositPath());
			}
			if (root.getStat().getVersion() < 0) {
				// one rollover writes the root once: only someone else can have taken it
				// this far
				throw DepositNodes.atUnconditionalVersion(DepositException.Problem.CORRUPT_AUDIT,
						this.nodes.auditPath());
			}
			BigDecimal amount = Money.parse(balance.getData(), this.nodes.depositPath());
			Snapshot.AuditRoot auditRoot = new Snapshot.AuditRoot(opening, root.getStat().getVersion(),
					root.getStat().getCversion(), root.getStat().getNumChildren(), root.getStat().getCzxid());
			OpResult.GetDataResult entry = DepositNodes.found(results.get(2), customerPath);
			if (entry == null) {
				return new Snapshot(amount, balance.getStat().getVersion(), balance.getStat().getMzxid(),
						CustomerTotals.NONE, Snapshot.NO_NODE, auditRoot);
			}
			if (entry.getStat().getVersion() == Snapshot.UNCONDITIONAL) {
				throw DepositNodes.atUnconditionalVersion(DepositException.Problem.CORRUPT_AUDIT, customerPath);
			}
			DepositNodes.requireOwnEntry(entry, results.get(4), customerPath);
			return new Snapshot(amount, balance.getStat().getVersion(), balance.getStat().getMzxid(),
					AuditCodec.totals(entry.getData(), entry.getStat().getVersion(), customerPath),
					entry.getStat().getVersion(), auditRoot);
		}
	}

}
