package org.zkbank.live;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.zkbank.account.AuditReport;
import org.zkbank.account.AuditReport.CustomerAudit;
import org.zkbank.account.Money;

/**
 * The deposit's recent history, built from successive audits: each is one consistent
 * snapshot of the balance, its version and every customer's audit entry. Between two of
 * them, the version moved by as many writes as there were commits plus unexplained
 * writes, and each customer's entry moved by what that customer committed. When the
 * version moved by one, that one write is known exactly: whose commit it was and what it
 * moved (the operations of a group commit included), or that no audited commit explains
 * it. When commits come faster than the audits, the versions in between are summed up per
 * customer. Thread-safe.
 */
final class Ledger {

	/** How a balance version came about. */
	enum Kind {

		/** The balance the audit started from. */
		OPENING,
		/**
		 * Audited commits of the point's customer (one when the version moved by one).
		 */
		COMMIT,
		/**
		 * A write that no audited commit explains, such as {@code zkCli.sh set}, among
		 * the writes up to this version.
		 */
		UNEXPLAINED,
		/**
		 * Before this instance watched, or audited commits of several customers since the
		 * last point.
		 */
		UNATTRIBUTED

	}

	private final int history;

	private final int feedSize;

	private final Deque<LiveState.Point> points = new ArrayDeque<>();

	private final Deque<LiveState.Commit> feed = new ArrayDeque<>();

	private final TreeSet<String> customers = new TreeSet<>();

	private AuditReport report;

	private String auditProblem;

	private long sequence;

	Ledger(int history, int feedSize) {
		this.history = history;
		this.feedSize = feedSize;
	}

	/**
	 * Counts every change, so that a publisher can tell whether there is anything new.
	 */
	synchronized long sequence() {
		return this.sequence;
	}

	/** A new audit: what changed since the last one goes into the chart and the feed. */
	synchronized void audited(AuditReport report) {
		AuditReport last = this.report;
		this.report = report;
		this.auditProblem = null;
		this.customers.addAll(report.customers().keySet());
		if (last != null && report.version() == last.version()) {
			this.sequence++;
			return;
		}
		if (last == null || report.version() < last.version()) {
			// the first audit of this instance, or the node was deleted and created
			// again: a new history
			this.points.clear();
			if (report.openingVersion() < report.version()) {
				add(new LiveState.Point(report.openingVersion(), Money.format(report.openingBalance()), null,
						Kind.OPENING));
			}
			add(new LiveState.Point(report.version(), Money.format(report.balance()), null,
					(report.version() == report.openingVersion()) ? Kind.OPENING : Kind.UNATTRIBUTED));
			this.sequence++;
			return;
		}
		changed(last, report);
		this.sequence++;
	}

	synchronized void auditFailed(String problem) {
		this.auditProblem = problem;
		this.sequence++;
	}

	synchronized LiveState.Deposit snapshot() {
		LiveState.Opening opening = (this.report != null)
				? new LiveState.Opening(this.report.openingVersion(), Money.format(this.report.openingBalance()))
				: null;
		List<LiveState.Commit> newestFirst = new ArrayList<>(this.feed);
		Collections.reverse(newestFirst);
		return new LiveState.Deposit(opening, List.copyOf(this.points), newestFirst, List.copyOf(this.customers),
				this.report, this.auditProblem);
	}

	private void changed(AuditReport last, AuditReport now) {
		int from = last.version() + 1;
		String balance = Money.format(now.balance());
		long unexplained = now.unexplainedWrites() - last.unexplainedWrites();
		List<LiveState.Commit> commits = new ArrayList<>();
		for (Map.Entry<String, CustomerAudit> entry : new TreeMap<>(now.customers()).entrySet()) {
			CustomerAudit before = last.customers().get(entry.getKey());
			CustomerAudit after = entry.getValue();
			long count = after.commits() - ((before != null) ? before.commits() : 0);
			if (count > 0) {
				BigDecimal deposited = after.deposited()
					.subtract((before != null) ? before.deposited() : BigDecimal.ZERO);
				BigDecimal withdrawn = after.withdrawn()
					.subtract((before != null) ? before.withdrawn() : BigDecimal.ZERO);
				commits.add(new LiveState.Commit(from, now.version(), entry.getKey(), Kind.COMMIT,
						Money.format(deposited.subtract(withdrawn)), Money.format(deposited), Money.format(withdrawn),
						after.operations() - ((before != null) ? before.operations() : 0), count, balance));
			}
		}
		commits.forEach(this::addEntry);
		if (unexplained > 0) {
			addEntry(new LiveState.Commit(from, now.version(), null, Kind.UNEXPLAINED, null, null, null, 0, unexplained,
					balance));
		}
		Kind kind;
		String customer = null;
		if (unexplained > 0) {
			kind = Kind.UNEXPLAINED;
		}
		else if (commits.size() == 1) {
			kind = Kind.COMMIT;
			customer = commits.get(0).customer();
		}
		else {
			kind = Kind.UNATTRIBUTED;
		}
		add(new LiveState.Point(now.version(), balance, customer, kind));
	}

	private void add(LiveState.Point point) {
		this.points.addLast(point);
		while (this.points.size() > this.history) {
			this.points.removeFirst();
		}
	}

	private void addEntry(LiveState.Commit commit) {
		this.feed.addLast(commit);
		while (this.feed.size() > this.feedSize) {
			this.feed.removeFirst();
		}
	}

}
