package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit of one or more operations on its way to an outcome: the commit protocol,
 * with the resolution of a lost reply.
 * <p>
 * Each attempt is one versioned {@code multi} ({@link CommitPlan#writes}); a write that
 * landed first turns it into a conflict, after which the same operations are planned
 * again on a fresh read. Each commit has a sequence number that the audit entry records
 * for this instance, so that after an ambiguous write (the reply was lost) a read tells
 * whether it was applied. Until the balance moves past the write the lost one expected
 * (compared by {@code mzxid}, which never wraps), that write may still land, so only the
 * same versioned write is sent again, and exactly one of the two can apply. A lost write
 * whose fate cannot be settled (a stop, the operation timeout, or an entry that has
 * forgotten this instance) ends {@link Outcome#UNKNOWN}, never sent again.
 */
final class Commit {

	private static final Logger log = LoggerFactory.getLogger(Commit.class);

	private final CommitContext context;

	private final CommitResult.CommitId id;

	private final List<Operation> operations;

	private final long started = System.nanoTime();

	/**
	 * When the first reply of the pending write was lost: resolving it gets a whole
	 * operation timeout.
	 */
	private long lostAt;

	private Snapshot current;

	private int attempts;

	private int conflicts;

	private boolean ambiguous;

	/** Whether a write is on its way and its outcome not yet known. */
	private boolean sending;

	/**
	 * Whether this commit lost a race or handed its turn over, and so waits for its turn
	 * before it reads and writes again.
	 */
	private boolean waitsForTurn;

	/** How long it waited for turns. */
	private long turnWaitNanos;

	/**
	 * The plan of a write whose reply was lost. While the balance is still at its basis,
	 * it may land, so only it is sent again; once the balance has moved on, the audit
	 * entry says whether it landed.
	 */
	private CommitPlan pending;

	/**
	 * What the last successful write left, {@code null} when the customer must read
	 * again.
	 */
	private Snapshot written;

	private String failure;

	Commit(CommitContext context, CommitResult.CommitId id, List<Operation> operations, Snapshot basis) {
		this.context = context;
		this.id = id;
		this.operations = List.copyOf(operations);
		this.current = basis;
	}

	/**
	 * Waits for the turn from the start, then reads: this instance has just handed its
	 * turn over.
	 */
	void waitForTurn() {
		this.waitsForTurn = true;
		this.current = null;
	}

	CommitResult run() {
		while (true) {
			if (this.current == null) {
				if (this.waitsForTurn && this.pending == null) {
					awaitTurn();
				}
				if (!readAgain()) {
					return (this.pending != null) ? unknown(null, this.failure) : failed(null, this.failure);
				}
			}
			Snapshot basis = this.current;
			if (this.pending != null) {
				long lost = this.pending.basis().mzxid();
				if (basis.mzxid() < lost) {
					// a lagging server answered; only a newer view settles the lost write
					if (stopped() || overdue()) {
						return unknown(basis, "only servers behind its lost write answered" + until());
					}
					this.current = null;
					pause();
					continue;
				}
				if (basis.mzxid() > lost) {
					if (entryTamperedSince(this.pending.basis(), basis)) {
						return unknown(basis, "its reply was lost, and meanwhile someone else deleted or rolled back "
								+ "the audit entry that would tell whether it was applied");
					}
					switch (basis.totals()
						.fate(this.id.instance(), this.id.sequence(), this.pending.totals().commits())) {
						case APPLIED -> {
							log.info("{}: the lost reply was a commit; {} was applied once", customer(),
									this.operations);
							return ended(this.pending, this.pending.versionAfter(), null);
						}
						case UNKNOWN -> {
							return unknown(basis, "its reply was lost, and more instances of " + customer()
									+ " committed meanwhile than its audit entry keeps");
						}
						// the lost write can no longer apply
						case NOT_APPLIED -> this.pending = null;
					}
				}
			}
			// while a lost write may still land, only the same write (the same plan, from
			// the same balance) is sent again, so that at most one of them applies
			boolean settled = this.pending == null;
			CommitPlan plan = settled ? CommitPlan.of(this.operations, basis, this.id) : this.pending;
			if (settled && !plan.changes()) {
				return ended(plan, basis.version(), basis);
			}
			if (settled && this.attempts > 0 && overdue()) {
				return failed(basis, "gave up after " + this.attempts + " attempts in "
						+ this.context.retry().operationTimeout().toMillis() + " ms (bank.retry.operation-timeout)");
			}
			if (settled && stopped() && this.attempts > 0) {
				return failed(basis, "stopped before it committed");
			}
			if (!settled && (stopped() || overdue())) {
				return unknown(basis, "its reply was lost and the balance has not moved since" + until());
			}
			if (attempt(plan)) {
				return ended(plan, plan.versionAfter(), this.written);
			}
			if (this.failure != null) {
				return (this.pending != null) ? unknown(basis, this.failure) : failed(basis, this.failure);
			}
		}
	}

	/**
	 * How the commit ends after a defect: unknown if a write may have been applied, else
	 * failed.
	 */
	CommitResult broken(RuntimeException ex) {
		String reason = "unexpected error: " + ex;
		return (this.pending != null || this.sending) ? unknown(null, reason) : failed(null, reason);
	}

	/**
	 * Whether the audit entry lost what the lost write's basis had: deleted, or back to
	 * fewer commits. Only someone other than the customers does that, and then the entry
	 * cannot say whether the lost write was applied.
	 */
	private static boolean entryTamperedSince(Snapshot then, Snapshot now) {
		// A delete shows in the root's child counts, also when another instance created
		// the entry again. From an entry at -2, one rollover of it (this one, or another
		// instance's) is expected. A new audit (its root created again) may already count
		// the lost write in its opening.
		int rollovers = Snapshot.rollsOver(then.totalsVersion()) ? 1 : 0;
		return now.root().czxid() != then.root().czxid() || now.root().deletedSince(then.root()) > rollovers
				|| (now.totalsVersion() == Snapshot.NO_NODE && then.totalsVersion() != Snapshot.NO_NODE)
				|| now.totals().commits() < then.totals().commits();
	}

	/**
	 * Sends one versioned write.
	 * @return whether it was applied; otherwise the commit goes round again, or ends with
	 * {@link #failure} when the write was refused
	 */
	private boolean attempt(CommitPlan plan) {
		this.attempts++;
		DepositReader reader = this.context.reader();
		CommitPlan.Writes writes = plan.writes(reader.nodes(), reader.customerPath());
		try {
			long sent = System.nanoTime();
			this.sending = true;
			List<OpResult> results = reader.nodes().write(writes.ops());
			this.sending = false;
			this.context.roundTrips().record(sent);
			// after a rollover the snapshot's node figures are stale: the customer reads
			// again
			this.written = plan.recreatesNodes() ? null
					: written(plan, results.get(writes.balanceResult()), results.get(writes.totalsResult()));
			return true;
		}
		catch (KeeperException.BadVersionException | KeeperException.NodeExistsException ex) {
			if (this.pending == null) {
				// with a lost write pending, the winner may be that write itself
				this.conflicts++;
				this.waitsForTurn = this.context.turns().lostRace();
			}
		}
		catch (KeeperException.NoNodeException ex) {
			// the balance or the audit root was deleted; the next read says which
		}
		catch (KeeperException ex) {
			if (!DepositNodes.isConnectionProblem(ex)) {
				// refused: this write was not applied
				this.failure = DepositNodes.failure(ex).getMessage();
				this.sending = false;
				return false;
			}
			lost(plan, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			lost(plan, ex);
		}
		catch (DepositException ex) {
			// not connected: nothing was sent
		}
		this.sending = false;
		this.current = null;
		if (!this.waitsForTurn && this.conflicts == 0) {
			pause();
		}
		return false;
	}

	/**
	 * The snapshot a plain (not rolled over) write leaves, from the results of its
	 * balance and entry.
	 */
	private static Snapshot written(CommitPlan plan, OpResult balanceResult, OpResult totals) {
		Stat balance = ((OpResult.SetDataResult) balanceResult).getStat();
		int totalsVersion = (totals instanceof OpResult.SetDataResult set) ? set.getStat().getVersion() : 0;
		return new Snapshot(plan.after(), balance.getVersion(), balance.getMzxid(), plan.totals(), totalsVersion,
				plan.basis().root());
	}

	private void lost(CommitPlan plan, Exception ex) {
		this.ambiguous = true;
		if (this.pending == null) {
			this.lostAt = System.nanoTime();
		}
		this.pending = plan;
		log.warn("{}: the result of {} at version {} was lost ({}); finding out whether it was applied", customer(),
				this.operations, plan.basis().version(), ex.getMessage());
	}

	/**
	 * Reads a fresh snapshot, waiting out problems up to the operation timeout: an
	 * unavailable ZooKeeper always, and, while a lost write is unresolved, any problem.
	 * Otherwise a corrupt, missing or replaced deposit ends the commit at once, certainly
	 * not applied.
	 */
	private boolean readAgain() {
		while (true) {
			try {
				this.current = this.context.reader().read();
				return true;
			}
			catch (DepositException ex) {
				boolean waiting = (this.pending != null
						|| ex.problem() == DepositException.Problem.ZOOKEEPER_UNAVAILABLE) && !stopped() && !overdue();
				if (!waiting) {
					this.failure = (this.pending != null) ? "its reply was lost and the deposit could not be read again"
							+ until() + ": " + ex.getMessage() : ex.getMessage();
					return false;
				}
				this.context.stop().pause(this.context.retry().maxBackoff());
			}
		}
	}

	/** Why a lost write is left unresolved: a stop, or the operation timeout. */
	private String until() {
		return stopped() ? " before a stop" : " within " + this.context.retry().operationTimeout().toMillis()
				+ " ms (bank.retry.operation-timeout)";
	}

	/**
	 * Waits for this instance's turn, at most until the operation timeout: another
	 * customer in the middle of its turn would win the next race too. With no line to
	 * wait in, it backs off instead.
	 */
	private void awaitTurn() {
		this.waitsForTurn = false;
		long began = System.nanoTime();
		TurnQueue.Turn turn = this.context.turns()
			.awaitTurn(since() + this.context.retry().operationTimeout().toNanos());
		this.turnWaitNanos += System.nanoTime() - began;
		if (turn == TurnQueue.Turn.UNAVAILABLE) {
			pause();
		}
	}

	/**
	 * Backs off after a write that failed other than by a conflict, cut short by a stop.
	 */
	private void pause() {
		this.context.stop().pause(atMostRemaining(this.context.backoff().after(this.attempts)));
	}

	/** The given pause, or what is left of the operation timeout if that is less. */
	private Duration atMostRemaining(Duration pause) {
		long left = this.context.retry().operationTimeout().toNanos() - (System.nanoTime() - since());
		return Duration.ofNanos(Math.max(0, Math.min(pause.toNanos(), left)));
	}

	/**
	 * Whether the operation timeout has passed: since the start, or since the loss of a
	 * pending write.
	 */
	private boolean overdue() {
		return System.nanoTime() - since() > this.context.retry().operationTimeout().toNanos();
	}

	private long since() {
		return (this.pending != null) ? this.lostAt : this.started;
	}

	private boolean stopped() {
		return this.context.stop().isStopped() || Thread.currentThread().isInterrupted();
	}

	private String customer() {
		return this.context.reader().customer();
	}

	/**
	 * How each operation ended by the given plan: committed if it fit, else rejected.
	 * @param version the balance version after the plan's write, or of its basis when it
	 * wrote nothing
	 * @param next what the customer may commit with next, {@code null} when it must read
	 * again
	 */
	private CommitResult ended(CommitPlan plan, int version, Snapshot next) {
		List<OperationResult> results = new ArrayList<>(this.operations.size());
		for (int i = 0; i < this.operations.size(); i++) {
			Operation operation = this.operations.get(i);
			CommitPlan.Step step = plan.steps().get(i);
			boolean fits = step.rejection() == null;
			results.add(new OperationResult(operation, fits ? Outcome.COMMITTED : Outcome.REJECTED, step.before(),
					fits ? operation.type().apply(step.before(), operation.amount()) : step.before(),
					step.rejection()));
		}
		return new CommitResult(this.id, results, version, next, stats());
	}

	/**
	 * Every operation failed, certainly not applied. @param last the last snapshot read,
	 * {@code null} if none
	 */
	private CommitResult failed(Snapshot last, String reason) {
		return unsettled(Outcome.FAILED, last, reason);
	}

	/**
	 * Every operation's fate is unknown: the lost write was applied once or not at all,
	 * and is never sent again. @param last the last snapshot read, {@code null} if none
	 */
	private CommitResult unknown(Snapshot last, String reason) {
		return unsettled(Outcome.UNKNOWN, last, reason);
	}

	private CommitResult unsettled(Outcome outcome, Snapshot last, String reason) {
		BigDecimal balance = (last != null) ? last.balance() : null;
		List<OperationResult> results = this.operations.stream()
			.map((operation) -> new OperationResult(operation, outcome, balance, balance, reason))
			.toList();
		return new CommitResult(this.id, results, (last != null) ? last.version() : -1, null, stats());
	}

	private CommitStats stats() {
		return new CommitStats(this.attempts, this.conflicts, this.ambiguous,
				Duration.ofNanos(System.nanoTime() - this.started), Duration.ofNanos(this.turnWaitNanos));
	}

}
