package org.zkbank.account;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.apache.zookeeper.Op;

/**
 * What one attempt of a commit writes: how each operation fares against the running
 * balance, in order, the balance after those that fit, and the audit totals with them.
 *
 * @param basis the snapshot the attempt writes on
 * @param steps each operation's step, in order
 * @param after the balance after the operations that fit
 * @param totals the customer's audit totals after them
 */
record CommitPlan(Snapshot basis, List<Step> steps, BigDecimal after, CustomerTotals totals) {

	/**
	 * One operation in a plan: the balance it meets, and why it is rejected ({@code null}
	 * if it fits).
	 */
	record Step(BigDecimal before, String rejection) {
	}

	/**
	 * The versioned {@code multi} of a plan.
	 *
	 * @param ops what it sends
	 * @param balanceResult where the balance's result is among the results
	 * @param totalsResult where the audit entry's result is among the results
	 */
	record Writes(List<Op> ops, int balanceResult, int totalsResult) {
	}

	/**
	 * Checks each operation in order against the running balance; one that does not fit
	 * is rejected alone.
	 */
	static CommitPlan of(List<Operation> operations, Snapshot basis, CommitResult.CommitId id) {
		List<Step> steps = new ArrayList<>(operations.size());
		List<Operation> committing = new ArrayList<>(operations.size());
		BigDecimal balance = basis.balance();
		BigDecimal deposited = basis.totals().deposited();
		BigDecimal withdrawn = basis.totals().withdrawn();
		for (Operation operation : operations) {
			BigDecimal before = balance;
			String rejection = null;
			if (!operation.fits(before)) {
				rejection = "insufficient funds: balance " + Money.format(before);
			}
			else {
				boolean deposit = operation.type() == OperationType.DEPOSIT;
				BigDecimal after = operation.type().apply(before, operation.amount());
				BigDecimal nextDeposited = deposit ? deposited.add(operation.amount()) : deposited;
				BigDecimal nextWithdrawn = deposit ? withdrawn : withdrawn.add(operation.amount());
				if (Money.isStorable(after) && Money.isStorable(nextDeposited) && Money.isStorable(nextWithdrawn)) {
					balance = after;
					deposited = nextDeposited;
					withdrawn = nextWithdrawn;
					committing.add(operation);
				}
				else {
					rejection = "the balance or its audit totals would have more digits than the deposit stores";
				}
			}
			steps.add(new Step(before, rejection));
		}
		return new CommitPlan(basis, steps, balance,
				basis.totals().plus(committing, id.instance(), id.sequence(), createsEntry(basis)));
	}

	/** Whether it writes anything: it does unless every operation was rejected. */
	boolean changes() {
		return this.totals.operations() > this.basis.totals().operations();
	}

	/** Whether it recreates the balance node, which a write would take to version -1. */
	boolean rollsOver() {
		return Snapshot.rollsOver(this.basis.version());
	}

	/**
	 * Whether it leaves its snapshot's node figures stale: it recreates the balance or
	 * the entry.
	 */
	boolean recreatesNodes() {
		return rollsOver() || Snapshot.rollsOver(this.basis.totalsVersion());
	}

	/** The balance version the write leaves: a rollover creates the node anew. */
	int versionAfter() {
		return rollsOver() ? 0 : this.basis.version() + 1;
	}

	/**
	 * The one {@code multi} that writes the plan, all or nothing: the balance at the
	 * version read, the audit entry at its version, and checks of both markers and of the
	 * audit root's version, so that it lands neither on a node someone else created nor
	 * from a snapshot taken before a rollover.
	 */
	Writes writes(DepositNodes nodes, String customerPath) {
		List<Op> ops = new ArrayList<>(8);
		if (rollsOver()) {
			// recreates the node (and its marker) at version 0; the root's version keeps
			// rollovers exclusive
			ops.add(Op.delete(nodes.markerPath(), 0));
			ops.add(Op.delete(nodes.depositPath(), this.basis.version()));
			ops.add(nodes.create(nodes.depositPath(), Money.encode(this.after)));
			ops.add(nodes.create(nodes.markerPath(), new byte[0]));
		}
		else {
			ops.add(Op.check(nodes.markerPath(), 0));
			ops.add(Op.check(nodes.auditPath(), this.basis.root().version()));
			ops.add(Op.setData(nodes.depositPath(), Money.encode(this.after), this.basis.version()));
		}
		int balanceResult = ops.size() - 1;
		String entryMarker = DepositNodes.markerOf(customerPath);
		int totalsResult;
		if (createsEntry(this.basis)) {
			if (this.basis.totalsVersion() != Snapshot.NO_NODE) {
				ops.add(Op.delete(entryMarker, 0));
				ops.add(Op.delete(customerPath, (int) this.basis.totalsVersion()));
			}
			ops.add(nodes.create(customerPath, this.totals));
			totalsResult = ops.size() - 1;
			ops.add(nodes.create(entryMarker, new byte[0]));
		}
		else {
			ops.add(Op.check(entryMarker, 0));
			ops.add(Op.setData(customerPath, AuditCodec.encode(this.totals), (int) this.basis.totalsVersion()));
			totalsResult = ops.size() - 1;
		}
		if (rollsOver()) {
			ops.add(Op.setData(nodes.auditPath(),
					AuditCodec.encode(this.basis.root().opening().rolledOver(this.basis.version())),
					this.basis.root().version()));
		}
		return new Writes(ops, balanceResult, totalsResult);
	}

	/**
	 * Whether the entry is created: there is none yet, or it is at -2 and must be
	 * recreated.
	 */
	private static boolean createsEntry(Snapshot basis) {
		return basis.totalsVersion() == Snapshot.NO_NODE || Snapshot.rollsOver(basis.totalsVersion());
	}

}
