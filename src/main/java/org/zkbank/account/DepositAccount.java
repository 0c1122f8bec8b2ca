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
 * which the same operations are retried from a fresh read. Each commit has a sequence number that
 * the audit entry records for this instance, so that after an ambiguous write (the reply was
 * lost) a read tells whether it was applied; until the balance version moves past the version the
 * lost write expected, that write may still land, so only the same versioned write is sent again,
 * and exactly one of the two can apply.
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

	private static final String UNRESOLVED = "stopped before its lost reply was resolved; whether it was applied is in the audit";

	private final DepositNodes nodes;

	private final BankProperties properties;

	private final String customer;

	private final String instance = UUID.randomUUID().toString().substring(0, 13);

	private final StopSignal stop;

	private final AtomicLong sequence = new AtomicLong();

	// taking turns; commits do not overlap, so these need no locking

	/** The balance version this instance's last commit made. */
	private int ownVersion = -1;

	/** Commits in a row made from this instance's own last commit. */
	private int streak;

	private int turnLength = SHORTEST_TURN;

	/** What the last read met, {@code null} if it succeeded. */
	private volatile DepositException problem;

	/** How many times longer turns and waits are: one per {@value #CUSTOMERS_PER_SCALE} customer names in the audit. */
	private volatile int scale = 1;

	/** A moving average of this instance's round trips to ZooKeeper, the unit of its waits. */
	private volatile long roundTripNanos = Duration.ofMillis(1).toNanos();

	public DepositAccount(CuratorFramework client, BankProperties properties, String customer, StopSignal stop) {
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
		while (true) {
			long sent = System.nanoTime();
			List<OpResult> results = this.nodes.read(List.of(Op.getData(this.nodes.depositPath()),
					Op.getData(this.nodes.auditPath()), Op.getData(customerPath)));
			roundTrip(sent);
			OpResult balance = results.get(0);
			if (!(results.get(1) instanceof OpResult.GetDataResult root)) {
				this.nodes.startAudit(balance, this.properties.openingBalance());
				continue;
			}
			this.scale = Math.max(1, root.getStat().getNumChildren() / CUSTOMERS_PER_SCALE);
			if (!(balance instanceof OpResult.GetDataResult found)) {
				throw new DepositException(DepositException.Problem.DEPOSIT_MISSING, this.nodes.depositPath()
						+ " was deleted after its audit started; it is not recreated until an operator restores it");
			}
			BigDecimal amount = Money.parse(found.getData(), this.nodes.depositPath());
			if (results.get(2) instanceof OpResult.GetDataResult totals) {
				return new Snapshot(amount, found.getStat().getVersion(),
						AuditCodec.totals(totals.getData(), customerPath), totals.getStat().getVersion());
			}
			return new Snapshot(amount, found.getStat().getVersion(), CustomerTotals.NONE, Snapshot.NO_NODE);
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
		boolean fromOwnCommit = basis != null && basis.version() == this.ownVersion;
		this.streak = fromOwnCommit ? this.streak + 1 : 0;
		boolean turnOver = this.streak >= this.turnLength * this.scale;
		if (turnOver) {
			// hold back, then write only on a quiet balance: a customer that came meanwhile has the turn
			this.streak = 0;
			this.stop.pause(Duration.ofNanos(this.roundTripNanos * HOLD_BACK_ROUND_TRIPS * this.scale));
			commit.listenFrom(basis);
		}
		List<CommitResult> results = commit.run();
		if (turnOver) {
			this.turnLength = commit.heardNobody() ? Math.min(LONGEST_TURN, this.turnLength * 2) : SHORTEST_TURN;
		}
		results.stream().filter(CommitResult::committed).findAny().ifPresent((committed) -> {
			this.ownVersion = committed.version();
		});
		return results;
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
	 * What one attempt of a commit writes: the balance before each operation, in order, the
	 * balance after those that fit, and the audit totals with them.
	 */
	private record Plan(Snapshot basis, List<BigDecimal> before, BigDecimal after, CustomerTotals totals) {

		boolean writes() {
			return this.totals.operations() > this.basis.totals().operations();
		}

	}

	/** The state of one commit of one or more operations on its way to an outcome. */
	private final class Commit {

		private final List<Operation> operations;

		private final long sequence = DepositAccount.this.sequence.incrementAndGet();

		private final long started = System.nanoTime();

		private Snapshot current;

		private int attempts;

		private int conflicts;

		private boolean ambiguous;

		/** Whether this commit lost a race or gave way, and so waits for a quiet balance before each write. */
		private boolean contended;

		/** The last snapshot read while waiting for a quiet balance. */
		private Snapshot heard;

		/** Reads that found the balance changed since the one before. */
		private int changesHeard;

		/** The plan of a write whose reply was lost; while its balance version is current, that write may land. */
		private Plan pending;

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
						return failed(null, this.failure);
					}
					if (!quiet()) {
						continue;
					}
				}
				Snapshot basis = this.current;
				if (basis.totals().hasCommitted(DepositAccount.this.instance, this.sequence)) {
					log.info("{}: the lost reply was a commit; {} was applied once", DepositAccount.this.customer,
							this.operations);
					return ended(this.pending, this.pending.basis().version() + 1, basis);
				}
				if (this.pending != null) {
					if (basis.version() < this.pending.basis().version()) {
						// a lagging server answered (or an operator recreated the node); only a newer
						// view settles the lost write
						if (stopped()) {
							return failed(basis, UNRESOLVED);
						}
						this.current = null;
						pause();
						continue;
					}
					if (basis.version() > this.pending.basis().version()) {
						this.pending = null; // the lost write can no longer apply
					}
				}
				// while a lost write may still land, only the same write (the same plan, from the
				// same version) is sent again, so that at most one of them applies
				boolean settled = this.pending == null;
				Plan plan = plan(basis);
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
				Snapshot committed = attempt(plan);
				if (committed != null) {
					return ended(plan, committed.version(), committed);
				}
				if (this.failure != null) {
					return failed(basis, this.failure);
				}
			}
		}

		private Plan plan(Snapshot basis) {
			List<BigDecimal> before = new ArrayList<>(this.operations.size());
			List<Operation> committing = new ArrayList<>(this.operations.size());
			BigDecimal balance = basis.balance();
			for (Operation operation : this.operations) {
				before.add(balance);
				if (operation.fits(balance)) {
					balance = operation.type().apply(balance, operation.amount());
					committing.add(operation);
				}
			}
			return new Plan(basis, before, balance,
					basis.totals().plus(committing, DepositAccount.this.instance, this.sequence));
		}

		/** Sends one versioned write; returns the new snapshot, or {@code null} to go round again. */
		private Snapshot attempt(Plan plan) {
			this.attempts++;
			Snapshot basis = plan.basis();
			String customerPath = DepositAccount.this.nodes.customerPath(DepositAccount.this.customer);
			Op writeTotals = (basis.totalsVersion() == Snapshot.NO_NODE)
					? DepositAccount.this.nodes.create(customerPath, plan.totals())
					: Op.setData(customerPath, AuditCodec.encode(plan.totals()), basis.totalsVersion());
			try {
				long sent = System.nanoTime();
				List<OpResult> results = DepositAccount.this.nodes.write(List.of(
						Op.setData(DepositAccount.this.nodes.depositPath(), Money.encode(plan.after()), basis.version()),
						writeTotals));
				roundTrip(sent);
				int version = ((OpResult.SetDataResult) results.get(0)).getStat().getVersion();
				int totalsVersion = (results.get(1) instanceof OpResult.SetDataResult set) ? set.getStat().getVersion()
						: 0;
				return new Snapshot(plan.after(), version, plan.totals(), totalsVersion);
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
					this.failure = DepositNodes.failure(ex).getMessage(); // refused: certainly not applied
					return null;
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
			this.current = null;
			if (!this.contended) {
				pause();
			}
			return null;
		}

		private void lost(Plan plan, Exception ex) {
			this.ambiguous = true;
			this.pending = plan;
			log.warn("{}: the result of {} at version {} was lost ({}); finding out whether it was applied",
					DepositAccount.this.customer, this.operations, plan.basis().version(), ex.getMessage());
		}


		/**
		 * Reads a fresh snapshot. While a lost write is unresolved it keeps trying, whatever the
		 * problem, until a stop. Otherwise the operation was certainly not applied: it waits out an
		 * unavailable ZooKeeper up to the operation timeout, and gives up at once on a corrupt or
		 * missing deposit, which needs an operator.
		 */
		private boolean readAgain() {
			while (true) {
				try {
					this.current = read();
					return true;
				}
				catch (DepositException ex) {
					boolean resolving = this.pending != null && !stopped();
					boolean waiting = ex.problem() == DepositException.Problem.ZOOKEEPER_UNAVAILABLE && !stopped()
							&& !overdue();
					if (!resolving && !waiting) {
						this.failure = ex.getMessage();
						if (this.pending != null) {
							this.failure = UNRESOLVED;
							log.error("{}: {} {}", DepositAccount.this.customer, this.operations, this.failure);
						}
						return false;
					}
					DepositAccount.this.stop.pause(retry().maxBackoff());
				}
			}
		}

		/**
		 * Whether the snapshot just read may be written on. After a lost race, only once the balance
		 * has not changed between two reads some round trips apart: another customer in the middle
		 * of its turn would win again. Otherwise it waits for the next read.
		 */
		private boolean quiet() {
			if (!this.contended || this.pending != null || stopped() || overdue()
					|| (this.heard != null && this.heard.version() == this.current.version())) {
				return true;
			}
			this.changesHeard++;
			this.heard = this.current;
			this.current = null;
			DepositAccount.this.stop.pause(roundTrips(QUIET_ROUND_TRIPS * DepositAccount.this.scale));
			return false;
		}

		/** Full-jitter exponential backoff, cut short by a stop. */
		private void pause() {
			long capNanos = retry().initialBackoff().toNanos();
			for (int doubling = 1; doubling < this.attempts && capNanos < retry().maxBackoff().toNanos(); doubling++) {
				capNanos *= 2;
			}
			capNanos = Math.min(capNanos, retry().maxBackoff().toNanos());
			DepositAccount.this.stop.pause(Duration.ofNanos(ThreadLocalRandom.current().nextLong(capNanos + 1)));
		}

		private boolean overdue() {
			return System.nanoTime() - this.started > retry().operationTimeout().toNanos();
		}

		private BankProperties.Retry retry() {
			return DepositAccount.this.properties.retry();
		}

		private boolean stopped() {
			return DepositAccount.this.stop.isStopped() || Thread.currentThread().isInterrupted();
		}

		/**
		 * How each operation ended by the given plan: committed if it fit, else rejected.
		 * @param version the balance version after the plan's write, or of its basis when it wrote nothing
		 * @param next what the customer may commit with next
		 */
		private List<CommitResult> ended(Plan plan, int version, Snapshot next) {
			Duration duration = Duration.ofNanos(System.nanoTime() - this.started);
			List<CommitResult> results = new ArrayList<>(this.operations.size());
			for (int i = 0; i < this.operations.size(); i++) {
				Operation operation = this.operations.get(i);
				BigDecimal before = plan.before().get(i);
				results.add(operation.fits(before)
						? new CommitResult(operation, Outcome.COMMITTED, before,
								operation.type().apply(before, operation.amount()), version, this.attempts,
								this.conflicts, this.ambiguous, duration, next, null)
						: new CommitResult(operation, Outcome.REJECTED, before, before, version, this.attempts,
								this.conflicts, this.ambiguous, duration, next,
								"insufficient funds: balance " + Money.format(before)));
			}
			return results;
		}

		/** Every operation failed, not applied. @param last the last snapshot read, {@code null} if none */
		private List<CommitResult> failed(Snapshot last, String reason) {
			BigDecimal balance = (last != null) ? last.balance() : null;
			int version = (last != null) ? last.version() : -1;
			Duration duration = Duration.ofNanos(System.nanoTime() - this.started);
			return this.operations.stream()
				.map((operation) -> new CommitResult(operation, Outcome.FAILED, balance, balance, version,
						this.attempts, this.conflicts, this.ambiguous, duration, null, reason))
				.toList();
		}

	}

}
