package org.zkbank.live;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CustomerTotals;
import org.zkbank.account.Money;

/**
 * The deposit's recent history as the watch sees it, and the last audit. Thread-safe.
 * <p>
 * A commit writes the balance and its customer's audit node in one {@code multi}, so both
 * nodes carry the same modifying transaction id (mzxid): that is how a balance version finds
 * who wrote it, and the difference between two successive audit entries of that customer says
 * what it moved. A balance version that no audit entry claims stays unattributed until an audit
 * reports unexplained writes; then the unattributed versions it covers are marked unexplained.
 * The watch may skip versions when commits come faster than it reads; the chart shows the
 * versions it saw.
 */
final class Ledger {

	/** How a balance version came about. */
	enum Kind {

		/** The balance the audit started from. */
		OPENING,
		/** An audited commit of the point's customer. */
		COMMIT,
		/** A write that no audited commit explains, such as {@code zkCli.sh set}. */
		UNEXPLAINED,
		/** Not (yet) matched to an audit entry. */
		UNATTRIBUTED

	}

	private static final CustomerTotals NOTHING = new CustomerTotals(BigDecimal.ZERO, BigDecimal.ZERO, 0, 0L, Map.of());

	private final int history;

	private final int feedSize;

	private final Deque<Point> points = new ArrayDeque<>();

	private final Map<Long, Point> pointsByZxid = new HashMap<>();

	private final Map<Long, Change> changes;

	private final Map<String, CustomerTotals> totals = new HashMap<>();

	private final Deque<Entry> feed = new ArrayDeque<>();

	private final TreeSet<String> customers = new TreeSet<>();

	private Opening opening;

	private AuditReport report;

	private String auditProblem;

	private String watchProblem;

	private long unexplainedAccounted = -1;

	private long sequence;

	Ledger(int history, int feedSize) {
		this.history = history;
		this.feedSize = feedSize;
		this.changes = new LinkedHashMap<>() {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, Change> eldest) {
				return size() > 4 * history;
			}
		};
	}

	/** Counts every change, so that a publisher can tell whether there is anything new. */
	synchronized long sequence() {
		return this.sequence;
	}

	synchronized void opening(BigDecimal balance, int version) {
		this.opening = new Opening(version, Money.format(balance));
		this.points.stream().filter((point) -> point.version == version && point.kind == Kind.UNATTRIBUTED)
			.forEach((point) -> point.kind = Kind.OPENING);
		this.sequence++;
	}

	/** A version of the balance node, with the transaction that wrote it. */
	synchronized void balance(int version, long zxid, BigDecimal balance) {
		this.watchProblem = null;
		Point last = this.points.peekLast();
		if (last != null && version <= last.version) {
			if (version == last.version) {
				return;
			}
			clearPoints(); // the node was deleted and created again: a new history
		}
		Point point = new Point(version, zxid, Money.format(balance));
		if (this.opening != null && version == this.opening.version()) {
			point.kind = Kind.OPENING;
		}
		Change change = this.changes.get(zxid);
		if (change != null) {
			attribute(point, change);
			this.feed.stream().filter((entry) -> entry.zxid == zxid).forEach((entry) -> entry.fill(point));
		}
		this.points.addLast(point);
		this.pointsByZxid.put(zxid, point);
		while (this.points.size() > this.history) {
			this.pointsByZxid.remove(this.points.removeFirst().zxid);
		}
		markUnexplained();
		this.sequence++;
	}

	/** The balance node holds no valid amount, or is gone. */
	synchronized void balanceProblem(String problem) {
		this.watchProblem = problem;
		this.sequence++;
	}

	/** A version of one customer's audit entry, with the transaction that wrote it. */
	synchronized void totals(String customer, long zxid, CustomerTotals totals) {
		this.customers.add(customer);
		CustomerTotals before = this.totals.put(customer, totals);
		if (before == null && totals.commits() == 1) {
			before = NOTHING; // the customer's first commit created its entry
		}
		Change change = new Change(customer, (before != null) ? difference(before, totals) : null);
		this.changes.put(zxid, change);
		Point point = this.pointsByZxid.get(zxid);
		if (change.moved() != null) {
			Entry entry = new Entry(zxid, customer, change.moved(), Kind.COMMIT);
			if (point != null) {
				entry.fill(point);
			}
			addEntry(entry);
		}
		if (point != null) {
			attribute(point, change);
		}
		this.sequence++;
	}

	synchronized void audited(AuditReport report) {
		this.report = report;
		this.auditProblem = null;
		report.customers().keySet().forEach(this.customers::add);
		if (this.unexplainedAccounted < 0) {
			// writes unexplained before this instance watched: none of them is in its history
			this.unexplainedAccounted = report.unexplainedWrites();
		}
		markUnexplained();
		this.sequence++;
	}

	synchronized void auditFailed(String problem) {
		this.auditProblem = problem;
		this.sequence++;
	}

	synchronized LiveState.Deposit snapshot() {
		List<LiveState.Point> chart = new ArrayList<>(this.points.size());
		for (Point point : this.points) {
			chart.add(new LiveState.Point(point.version, point.balance, point.customer, point.kind));
		}
		List<LiveState.Commit> commits = this.feed.stream()
			.sorted(Comparator.comparingLong((Entry entry) -> entry.zxid).reversed())
			.map(Entry::view)
			.toList();
		return new LiveState.Deposit(this.opening, chart, commits, List.copyOf(this.customers), this.report,
				this.auditProblem, this.watchProblem);
	}

	private void attribute(Point point, Change change) {
		point.customer = change.customer();
		if (point.kind != Kind.OPENING) {
			point.kind = Kind.COMMIT;
		}
	}

	/**
	 * Marks unattributed versions that the last audit covers as unexplained, as many as it counts
	 * unexplained writes that no earlier mark accounts for.
	 */
	private void markUnexplained() {
		if (this.report == null || this.unexplainedAccounted < 0) {
			return;
		}
		long unaccounted = this.report.unexplainedWrites() - this.unexplainedAccounted;
		for (Iterator<Point> it = this.points.descendingIterator(); it.hasNext() && unaccounted > 0;) {
			Point point = it.next();
			if (point.kind == Kind.UNATTRIBUTED && point.version <= this.report.version()) {
				point.kind = Kind.UNEXPLAINED;
				Entry entry = new Entry(point.zxid, null, null, Kind.UNEXPLAINED);
				entry.fill(point);
				addEntry(entry);
				unaccounted--;
				this.unexplainedAccounted++;
			}
		}
	}

	private void addEntry(Entry entry) {
		this.feed.addLast(entry);
		while (this.feed.size() > this.feedSize) {
			this.feed.remove(this.feed.stream().min(Comparator.comparingLong((Entry e) -> e.zxid)).orElseThrow());
		}
	}

	private void clearPoints() {
		this.points.clear();
		this.pointsByZxid.clear();
	}

	private static Moved difference(CustomerTotals before, CustomerTotals after) {
		long operations = after.operations() - before.operations();
		long commits = after.commits() - before.commits();
		if (operations <= 0 && commits <= 0) {
			return null; // rewritten without a commit, or an older entry read late
		}
		return new Moved(after.deposited().subtract(before.deposited()), after.withdrawn().subtract(before.withdrawn()),
				operations, commits);
	}

	/** The balance the audit started from. */
	record Opening(int version, String balance) {
	}

	/** What one audit entry moved since the customer's previous one. */
	record Moved(BigDecimal deposited, BigDecimal withdrawn, long operations, long commits) {
	}

	private record Change(String customer, Moved moved) {
	}

	private static final class Point {

		private final int version;

		private final long zxid;

		private final String balance;

		private String customer;

		private Kind kind = Kind.UNATTRIBUTED;

		Point(int version, long zxid, String balance) {
			this.version = version;
			this.zxid = zxid;
			this.balance = balance;
		}

	}

	private static final class Entry {

		private final long zxid;

		private final String customer;

		private final Moved moved;

		private final Kind kind;

		private Integer version;

		private String balance;

		Entry(long zxid, String customer, Moved moved, Kind kind) {
			this.zxid = zxid;
			this.customer = customer;
			this.moved = moved;
			this.kind = kind;
		}

		void fill(Point point) {
			this.version = point.version;
			this.balance = point.balance;
		}

		LiveState.Commit view() {
			if (this.moved == null) {
				return new LiveState.Commit(this.version, null, this.kind, null, null, null, 0, 0, this.balance);
			}
			return new LiveState.Commit(this.version, this.customer, this.kind,
					Money.format(this.moved.deposited().subtract(this.moved.withdrawn())),
					Money.format(this.moved.deposited()), Money.format(this.moved.withdrawn()), this.moved.operations(),
					this.moved.commits(), this.balance);
		}

	}

}
