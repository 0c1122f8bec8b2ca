package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.zkbank.account.CommitResult.Outcome;

/**
 * One customer instance's handle on the shared deposit, and the only code that knows the commit
 * protocol.
 * <p>
 * A commit carries one operation or several (group commit), each checked in order against the
 * running balance, and is one ZooKeeper {@code multi}: the new balance, at the balance version
 * the customer read, and the customer's new audit totals, at the version of its audit node. Both
 * versions make it all-or-nothing: a write that landed first turns it into a conflict, after
 * which the same operations are retried from a fresh read. The {@code multi} also checks the
 * markers of both nodes and the audit root's version (see {@link DepositNodes}), so that it can
 * land neither on a node someone else created nor from a snapshot taken before a rollover. Each commit has a sequence number that
 * the audit entry records for this instance, so that after an ambiguous write (the reply was
 * lost) a read tells whether it was applied; until the balance moves past the write the lost one
 * expected (compared by {@code mzxid}, which never wraps), that write may still land, so only the
 * same versioned write is sent again, and exactly one of the two can apply. A lost write whose
 * fate cannot be settled (a stop, the operation timeout, or an entry that has forgotten this
 * instance) ends {@link CommitResult.Outcome#UNKNOWN}, never sent again. No write is ever sent at
 * version -1, which ZooKeeper reads as unconditional: a node about to reach it is recreated (see
 * {@link Snapshot#rollsOver}). Never throws: a defect ends the commit failed, or unknown if a
 * write may have been applied, and shows in {@link #problem()}.
 * <p>
 * Contention is managed so that no customer starves and conflicts stay few when customers commit
 * without pauses. A customer that lost a race waits until the balance has stopped changing for a
 * moment before it writes again (it listens before it talks, reading instead of colliding). A
 * customer that made the last writes in a row, from its own last commit, takes turns: after a
 * turn of {@value #SHORTEST_TURN} commits it holds back for a few round trips and reads. If
 * somebody committed meanwhile, its turns stay short; if nobody did, they double (up to
 * {@value #LONGEST_TURN}), so a customer alone loses almost nothing. Turns and waits grow with
 * the number of customer names in the audit (one step per {@value #CUSTOMERS_PER_SCALE}), so that
 * many waiting customers do not keep the server busy with their reads.
 */
public final class DepositAccount {

	private static final Logger log = LoggerFactory.getLogger(DepositAccount.class);

	/** The commits a customer makes in a row before it holds back, when others want to commit too. */
	public static final int SHORTEST_TURN = 64;

	static final int LONGEST_TURN = 4096;

	/** How long a customer holds back at the end of its turn, in its round trips. */
	private static final int HOLD_BACK_ROUND_TRIPS = 14;

	/** How long the balance must stay unchanged before a customer that lost a race writes again. */
	private static final int QUIET_ROUND_TRIPS = 4;

	private static final int CUSTOMERS_PER_SCALE = 8;

	/** The longest stretch of turns and waits, however many names the audit lists. */
	private static final int MAX_SCALE = 8;

	/** Reads that may find the audit not started (customers racing to start it) before that is a problem. */
	private static final int AUDIT_START_ROUNDS = 10;

	private final DepositNodes nodes;

	private final DepositSettings properties;

	private final String customer;

	private final String instance = UUID.randomUUID().toString().substring(0, 13);

	private final StopSignal stop;

	private final AtomicLong sequence = new AtomicLong();

	// taking turns; commits do not overlap, so these need no locking

	/** The balance transaction this instance's last commit made. */
	private long ownMzxid = -1;

	/** Commits in a row made from this instance's own last commit. */
	private int streak;

	private int turnLength = SHORTEST_TURN;

	/** What the last read met, {@code null} if it succeeded. */
	private volatile DepositException problem;

	/** How many times longer turns and waits are: one per {@value #CUSTOMERS_PER_SCALE} customer names in the audit. */
	private volatile int scale = 1;

	/** A moving average of this instance's round trips to ZooKeeper, the unit of its waits. */
	private volatile long roundTripNanos = Duration.ofMillis(1).toNanos();

	public DepositAccount(CuratorFramework client, DepositSettings properties, String customer, StopSignal stop) {
		this.nodes = new DepositNodes(client, properties);
		this.properties = properties;
		this.customer = customer;
		this.stop = stop;
	}

	public String customer() {
		return this.customer;
	}

	/**
	 * Why the deposit could not be read the last time, also while an operation waits it out
	 * inside a commit, or {@code null} if the last read succeeded.
	 */
	public DepositException problem() {
		return this.problem;
	}

	/**
	 * Reads the balance and this customer's audit entry in one atomic round trip. Starts the
	 * audit (and creates the balance node with the opening balance) when the deposit was never
	 * audited.
	 * @throws DepositException when ZooKeeper is unavailable or the deposit is missing or corrupt
	 */
	public Snapshot read() {
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
		String customerPath = this.nodes.customerPath(this.customer);
		for (int round = 1;; round++) {
			long sent = System.nanoTime();
			List<OpResult> results = this.nodes.read(List.of(Op.getData(this.nodes.depositPath()),
					Op.getData(this.nodes.auditPath()), Op.getData(customerPath), Op.getData(this.nodes.markerPath()),
					Op.getData(DepositNodes.markerOf(customerPath))));
			roundTrip(sent);
			OpResult.GetDataResult balance = DepositNodes.found(results.get(0), this.nodes.depositPath());
			OpResult.GetDataResult root = DepositNodes.found(results.get(1), this.nodes.auditPath());
			if (root == null) {
				if (round > AUDIT_START_ROUNDS) {
					throw new DepositException(DepositException.Problem.REFUSED, "the audit of "
							+ this.nodes.depositPath() + " could not be started in " + AUDIT_START_ROUNDS + " tries");
				}
				this.nodes.startAudit(results.get(0), results.get(3), this.properties.deposit().openingBalance());
				continue;
			}
			this.scale = Math.min(MAX_SCALE, Math.max(1, root.getStat().getNumChildren() / CUSTOMERS_PER_SCALE));
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
				// one rollover writes the root once: only someone else can have taken it this far
				throw DepositNodes.atUnconditionalVersion(DepositException.Problem.CORRUPT_AUDIT, this.nodes.auditPath());
			}
			BigDecimal amount = Money.parse(balance.getData(), this.nodes.depositPath());
			Snapshot.AuditRoot auditRoot = new Snapshot.AuditRoot(opening, root.getStat().getVersion(),
					root.getStat().getCversion(), root.getStat().getNumChildren(), root.getStat().getCzxid());
			OpResult.GetDataResult entry = DepositNodes.found(results.get(2), customerPath);
			if (entry != null && entry.getStat().getVersion() == Snapshot.UNCONDITIONAL) {
				throw DepositNodes.atUnconditionalVersion(DepositException.Problem.CORRUPT_AUDIT, customerPath);
			}
			if (entry != null) {
				DepositNodes.requireOwnEntry(entry, results.get(4), customerPath);
				return new Snapshot(amount, balance.getStat().getVersion(), balance.getStat().getMzxid(),
						AuditCodec.totals(entry.getData(), entry.getStat().getVersion(), customerPath),
						entry.getStat().getVersion(), auditRoot);
			}
			return new Snapshot(amount, balance.getStat().getVersion(), balance.getStat().getMzxid(), CustomerTotals.NONE,
					Snapshot.NO_NODE, auditRoot);
		}
	}

	/**
	 * Commits one operation, retrying it after conflicts, and returns how it ended. Never throws:
	 * conflicts, an unavailable ZooKeeper and an unusable deposit all end in the result.
	 * @param basis the snapshot the operation was decided on, or {@code null} to read one first
	 */
	public CommitResult commit(Operation operation, Snapshot basis) {
		return commit(List.of(operation), basis).get(0);
	}

	/**
	 * Commits operations together, in one {@code multi} per attempt, and returns how each ended,
	 * in their order. Each is checked in order against the running balance: a withdrawal that
	 * does not fit is rejected alone, the others commit. The operations share their attempts,
	 * conflicts and outcome of a lost reply: they are committed all at once or not at all. Calls
	 * must not overlap; never throws.
	 * @param basis the freshest snapshot the operations were decided on, or {@code null} to read
	 * one first
	 */
	public List<CommitResult> commit(List<Operation> operations, Snapshot basis) {
		Commit commit = new Commit(operations, basis);
		try {
			boolean fromOwnCommit = basis != null && basis.mzxid() == this.ownMzxid;
			this.streak = fromOwnCommit ? this.streak + 1 : 0;
			boolean turnOver = this.streak >= this.turnLength * this.scale;
			if (turnOver) {
				// hold back, then write only on a quiet balance: a customer that came meanwhile has the turn
				this.streak = 0;
				this.stop.pause(Duration.ofNanos(Math.min(this.roundTripNanos * HOLD_BACK_ROUND_TRIPS * this.scale,
						this.properties.retry().operationTimeout().toNanos())));
				commit.listenFrom(basis);
			}
			List<CommitResult> results = commit.run();
			if (turnOver) {
				this.turnLength = commit.heardNobody() ? Math.min(LONGEST_TURN, this.turnLength * 2) : SHORTEST_TURN;
			}
			Snapshot next = results.get(0).snapshot();
			if (next != null && results.stream().anyMatch(CommitResult::committed)) {
				this.ownMzxid = next.mzxid();
			}
			return results;
		}
		catch (RuntimeException ex) {
			// a defect, not a state of the deposit: reported, and the customer goes on
			log.error("{}: unexpected error while committing {}", this.customer, operations, ex);
			this.problem = new DepositException(DepositException.Problem.INTERNAL,
					"unexpected error while committing: " + ex, ex);
			return commit.broken(ex);
		}
	}

	/**
	 * Learns from one round trip. A stalled one (a pause of the collector, a reconnect) counts as
	 * at most four times the estimate, so that one outlier does not stretch every wait. Reads from
	 * several devices may race here, which an estimate can bear.
	 */
	private void roundTrip(long sentNanos) {
		long sample = Math.min(System.nanoTime() - sentNanos, 4 * this.roundTripNanos);
		this.roundTripNanos += (sample - this.roundTripNanos) / 8;
	}

	/** About the given number of round trips, drawn at random so that waiting customers fall out of step. */
	private Duration roundTrips(int count) {
		long mean = this.roundTripNanos * count;
		return Duration.ofNanos(mean / 2 + ThreadLocalRandom.current().nextLong(mean + 1));
	}

	/**
	 * What one attempt of a commit writes: how each operation fares against the running balance,
	 * in order, the balance after those that fit, and the audit totals with them.
	 */
	private record Plan(Snapshot basis, List<Step> steps, BigDecimal after, CustomerTotals totals) {

		boolean writes() {
			return this.totals.operations() > this.basis.totals().operations();
		}

		/** The balance version the write leaves: a rollover creates the node anew. */
		int versionAfter() {
			return Snapshot.rollsOver(this.basis.version()) ? 0 : this.basis.version() + 1;
		}

	}

	/** One operation in a plan: the balance it meets, and why it is rejected ({@code null} if it fits). */
	private record Step(BigDecimal before, String rejection) {
	}

	/** The state of one commit of one or more operations on its way to an outcome. */
	private final class Commit {

		private final List<Operation> operations;

		private final CommitResult.CommitId id = new CommitResult.CommitId(DepositAccount.this.instance,
				DepositAccount.this.sequence.incrementAndGet());

		private final long started = System.nanoTime();

		/** When the first reply of the pending write was lost: resolving it gets a whole operation timeout. */
		private long lostAt;

		private Snapshot current;

		private int attempts;

		private int conflicts;

		private boolean ambiguous;

		/** Whether a write is on its way and its outcome not yet known. */
		private boolean sending;

		/** Whether this commit lost a race or gave way, and so waits for a quiet balance before each write. */
		private boolean contended;

		/** The last snapshot read while waiting for a quiet balance. */
		private Snapshot heard;

		/** Reads that found the balance changed since the one before. */
		private int changesHeard;

		/**
		 * The plan of a write whose reply was lost. While the balance is still at its basis, it may
		 * land, so only it is sent again; once the balance has moved on, the audit entry says
		 * whether it landed.
		 */
		private Plan pending;

		/** What the last successful write left, {@code null} when the customer must read again. */
		private Snapshot written;

		private String failure;

		Commit(List<Operation> operations, Snapshot basis) {
			this.operations = List.copyOf(operations);
			this.current = basis;
		}

		/** Waits for a quiet balance from the start, as if the given snapshot had just been read. */
		void listenFrom(Snapshot basis) {
			this.contended = true;
			this.heard = basis;
			this.current = null;
		}

		/** Whether no other commit came in while this one waited or wrote. */
		boolean heardNobody() {
			return this.changesHeard == 0 && this.conflicts == 0;
		}

		List<CommitResult> run() {
			while (true) {
				if (this.current == null) {
					if (!readAgain()) {
						return (this.pending != null) ? unknown(null, this.failure) : failed(null, this.failure);
					}
					if (!quiet()) {
						continue;
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
						switch (basis.totals().fate(this.id.instance(), this.id.sequence(), this.pending.totals().commits())) {
							case APPLIED -> {
								log.info("{}: the lost reply was a commit; {} was applied once", DepositAccount.this.customer,
										this.operations);
								return ended(this.pending, this.pending.versionAfter(), null);
							}
							case UNKNOWN -> {
								return unknown(basis, "its reply was lost, and more instances of "
										+ DepositAccount.this.customer + " committed meanwhile than its audit entry keeps");
							}
							case NOT_APPLIED -> this.pending = null; // the lost write can no longer apply
						}
					}
				}
				// while a lost write may still land, only the same write (the same plan, from the
				// same balance) is sent again, so that at most one of them applies
				boolean settled = this.pending == null;
				Plan plan = settled ? plan(basis) : this.pending;
				if (settled && !plan.writes()) {
					return ended(plan, basis.version(), basis);
				}
				if (settled && this.attempts > 0 && overdue()) {
					return failed(basis, "gave up after " + this.attempts + " attempts in "
							+ retry().operationTimeout().toMillis() + " ms (bank.retry.operation-timeout)");
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
		 * Whether the audit entry lost what the lost write's basis had: deleted, or back to fewer
		 * commits. Only someone other than the customers does that, and then the entry cannot say
		 * whether the lost write was applied.
		 */
		private boolean entryTamperedSince(Snapshot then, Snapshot now) {
			// A delete shows in the root's child counts, also when another instance created the entry
			// again. From an entry at -2, one rollover of it (this one, or another instance's) is expected.
			// A new audit (its root created again) may already count the lost write in its opening.
			int rollovers = Snapshot.rollsOver(then.totalsVersion()) ? 1 : 0;
			return now.root().czxid() != then.root().czxid() || now.root().deletedSince(then.root()) > rollovers
					|| (now.totalsVersion() == Snapshot.NO_NODE && then.totalsVersion() != Snapshot.NO_NODE)
					|| now.totals().commits() < then.totals().commits();
		}

		private Plan plan(Snapshot basis) {
			List<Step> steps = new ArrayList<>(this.operations.size());
			List<Operation> committing = new ArrayList<>(this.operations.size());
			BigDecimal balance = basis.balance();
			BigDecimal deposited = basis.totals().deposited();
			BigDecimal withdrawn = basis.totals().withdrawn();
			for (Operation operation : this.operations) {
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
			boolean createsEntry = basis.totalsVersion() == Snapshot.NO_NODE || Snapshot.rollsOver(basis.totalsVersion());
			return new Plan(basis, steps, balance,
					basis.totals().plus(committing, this.id.instance(), this.id.sequence(), createsEntry));
		}

		/**
		 * Sends one versioned write.
		 * @return whether it was applied; otherwise the commit goes round again, or ends with
		 * {@link #failure} when the write was refused
		 */
		private boolean attempt(Plan plan) {
			this.attempts++;
			Snapshot basis = plan.basis();
			boolean rollover = Snapshot.rollsOver(basis.version());
			DepositNodes nodes = DepositAccount.this.nodes;
			List<Op> writes = new ArrayList<>(8);
			if (rollover) {
				// recreates the node (and its marker) at version 0; the root's version keeps rollovers exclusive
				writes.add(Op.delete(nodes.markerPath(), 0));
				writes.add(Op.delete(nodes.depositPath(), basis.version()));
				writes.add(nodes.create(nodes.depositPath(), Money.encode(plan.after())));
				writes.add(nodes.create(nodes.markerPath(), new byte[0]));
			}
			else {
				// no commit can write to a balance node someone else created, whatever its version, nor
				// from a snapshot of the node before a rollover (the root's version moved with it)
				writes.add(Op.check(nodes.markerPath(), 0));
				writes.add(Op.check(nodes.auditPath(), basis.root().version()));
				writes.add(Op.setData(nodes.depositPath(), Money.encode(plan.after()), basis.version()));
			}
			int balanceResult = writes.size() - 1;
			String customerPath = nodes.customerPath(DepositAccount.this.customer);
			String entryMarker = DepositNodes.markerOf(customerPath);
			int totalsResult;
			if (basis.totalsVersion() == Snapshot.NO_NODE || Snapshot.rollsOver(basis.totalsVersion())) {
				if (basis.totalsVersion() != Snapshot.NO_NODE) {
					writes.add(Op.delete(entryMarker, 0));
					writes.add(Op.delete(customerPath, (int) basis.totalsVersion()));
				}
				writes.add(nodes.create(customerPath, plan.totals()));
				totalsResult = writes.size() - 1;
				writes.add(nodes.create(entryMarker, new byte[0]));
			}
			else {
				writes.add(Op.check(entryMarker, 0));
				writes.add(Op.setData(customerPath, AuditCodec.encode(plan.totals()), (int) basis.totalsVersion()));
				totalsResult = writes.size() - 1;
			}
			if (rollover) {
				writes.add(Op.setData(nodes.auditPath(), AuditCodec.encode(basis.root().opening().rolledOver(basis.version())),
						basis.root().version()));
			}
			try {
				long sent = System.nanoTime();
				this.sending = true;
				List<OpResult> results = DepositAccount.this.nodes.write(writes);
				this.sending = false;
				roundTrip(sent);
				// after a rollover the snapshot's node figures are stale: the customer reads again
				this.written = (rollover || Snapshot.rollsOver(basis.totalsVersion())) ? null
						: written(plan, results.get(balanceResult), results.get(totalsResult));
				return true;
			}
			catch (KeeperException.BadVersionException | KeeperException.NodeExistsException ex) {
				if (this.pending == null) {
					this.conflicts++; // with a lost write pending, the winner may be that write itself
					this.contended = true;
				}
			}
			catch (KeeperException.NoNodeException ex) {
				// the balance or the audit root was deleted; the next read says which
			}
			catch (KeeperException ex) {
				if (!DepositNodes.isConnectionProblem(ex)) {
					this.failure = DepositNodes.failure(ex).getMessage(); // refused: this write was not applied
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
			if (!this.contended) {
				pause();
			}
			return false;
		}

		/** The snapshot a plain (not rolled over) write leaves, from the results of its balance and entry. */
		private Snapshot written(Plan plan, OpResult balanceResult, OpResult totals) {
			Stat balance = ((OpResult.SetDataResult) balanceResult).getStat();
			int totalsVersion = (totals instanceof OpResult.SetDataResult set) ? set.getStat().getVersion() : 0;
			return new Snapshot(plan.after(), balance.getVersion(), balance.getMzxid(), plan.totals(), totalsVersion,
					plan.basis().root());
		}

		private void lost(Plan plan, Exception ex) {
			this.ambiguous = true;
			if (this.pending == null) {
				this.lostAt = System.nanoTime();
			}
			this.pending = plan;
			log.warn("{}: the result of {} at version {} was lost ({}); finding out whether it was applied",
					DepositAccount.this.customer, this.operations, plan.basis().version(), ex.getMessage());
		}

		/**
		 * Reads a fresh snapshot, waiting out problems up to the operation timeout: an unavailable
		 * ZooKeeper always, and, while a lost write is unresolved, any problem. Otherwise a corrupt,
		 * missing or replaced deposit ends the commit at once, certainly not applied.
		 */
		private boolean readAgain() {
			while (true) {
				try {
					this.current = read();
					return true;
				}
				catch (DepositException ex) {
					boolean waiting = (this.pending != null
							|| ex.problem() == DepositException.Problem.ZOOKEEPER_UNAVAILABLE) && !stopped()
							&& !overdue();
					if (!waiting) {
						this.failure = (this.pending != null)
								? "its reply was lost and the deposit could not be read again" + until() + ": "
										+ ex.getMessage()
								: ex.getMessage();
						return false;
					}
					DepositAccount.this.stop.pause(retry().maxBackoff());
				}
			}
		}

		/** Why a lost write is left unresolved: a stop, or the operation timeout. */
		private String until() {
			return stopped() ? " before a stop"
					: " within " + retry().operationTimeout().toMillis() + " ms (bank.retry.operation-timeout)";
		}

		/**
		 * Whether the snapshot just read may be written on. After a lost race, only once the balance
		 * has not changed between two reads some round trips apart: another customer in the middle
		 * of its turn would win again. Otherwise it waits for the next read.
		 */
		private boolean quiet() {
			if (!this.contended || this.pending != null || stopped() || overdue()
					|| (this.heard != null && this.heard.mzxid() == this.current.mzxid())) {
				return true;
			}
			this.changesHeard++;
			this.heard = this.current;
			this.current = null;
			DepositAccount.this.stop.pause(atMostRemaining(roundTrips(QUIET_ROUND_TRIPS * DepositAccount.this.scale)));
			return false;
		}

		/** Full-jitter exponential backoff, cut short by a stop. */
		private void pause() {
			long capNanos = retry().initialBackoff().toNanos();
			for (int doubling = 1; doubling < this.attempts && capNanos < retry().maxBackoff().toNanos(); doubling++) {
				capNanos *= 2;
			}
			capNanos = Math.min(capNanos, retry().maxBackoff().toNanos());
			DepositAccount.this.stop.pause(atMostRemaining(Duration.ofNanos(ThreadLocalRandom.current().nextLong(capNanos + 1))));
		}

		/** The given pause, or what is left of the operation timeout if that is less. */
		private Duration atMostRemaining(Duration pause) {
			long since = (this.pending != null) ? this.lostAt : this.started;
			long left = retry().operationTimeout().toNanos() - (System.nanoTime() - since);
			return Duration.ofNanos(Math.max(0, Math.min(pause.toNanos(), left)));
		}

		/** Whether the operation timeout has passed: since the start, or since the loss of a pending write. */
		private boolean overdue() {
			long since = (this.pending != null) ? this.lostAt : this.started;
			return System.nanoTime() - since > retry().operationTimeout().toNanos();
		}

		private RetryProperties retry() {
			return DepositAccount.this.properties.retry();
		}

		private boolean stopped() {
			return DepositAccount.this.stop.isStopped() || Thread.currentThread().isInterrupted();
		}

		/**
		 * How each operation ended by the given plan: committed if it fit, else rejected.
		 * @param version the balance version after the plan's write, or of its basis when it wrote nothing
		 * @param next what the customer may commit with next, {@code null} when it must read again
		 */
		private List<CommitResult> ended(Plan plan, int version, Snapshot next) {
			Duration duration = Duration.ofNanos(System.nanoTime() - this.started);
			List<CommitResult> results = new ArrayList<>(this.operations.size());
			for (int i = 0; i < this.operations.size(); i++) {
				Operation operation = this.operations.get(i);
				Step step = plan.steps().get(i);
				boolean fits = step.rejection() == null;
				results.add(new CommitResult(operation, this.id, fits ? Outcome.COMMITTED : Outcome.REJECTED,
						step.before(), fits ? operation.type().apply(step.before(), operation.amount()) : step.before(),
						version, this.attempts, this.conflicts, this.ambiguous, duration, next, step.rejection()));
			}
			return results;
		}

		/** Every operation failed, certainly not applied. @param last the last snapshot read, {@code null} if none */
		private List<CommitResult> failed(Snapshot last, String reason) {
			return unsettled(Outcome.FAILED, last, reason);
		}

		/**
		 * Every operation's fate is unknown: the lost write was applied once or not at all, and is
		 * never sent again. @param last the last snapshot read, {@code null} if none
		 */
		private List<CommitResult> unknown(Snapshot last, String reason) {
			return unsettled(Outcome.UNKNOWN, last, reason);
		}

		/** How the commit ends after a defect: unknown if a write may have been applied, else failed. */
		List<CommitResult> broken(RuntimeException ex) {
			String reason = "unexpected error: " + ex;
			return (this.pending != null || this.sending) ? unknown(null, reason) : failed(null, reason);
		}

		private List<CommitResult> unsettled(Outcome outcome, Snapshot last, String reason) {
			BigDecimal balance = (last != null) ? last.balance() : null;
			int version = (last != null) ? last.version() : -1;
			Duration duration = Duration.ofNanos(System.nanoTime() - this.started);
			return this.operations.stream()
				.map((operation) -> new CommitResult(operation, this.id, outcome, balance, balance, version,
						this.attempts, this.conflicts, this.ambiguous, duration, null, reason))
				.toList();
		}

	}

}
