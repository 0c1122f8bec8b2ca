package org.zkbank.account;

import java.math.BigDecimal;
import java.time.Duration;
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
 * A commit is one ZooKeeper {@code multi}: the new balance, at the balance version the customer
 * read, and the customer's new audit totals, at the version of its audit node. Both versions
 * make it all-or-nothing: a write that landed first turns it into a conflict, after which the
 * same operation is retried from a fresh read. Each operation has a sequence number that the
 * audit entry records for this instance, so that after an ambiguous write (the reply was lost)
 * a read tells whether it was applied; until the balance version moves past the version the
 * lost write expected, that write may still land, so only the same versioned commit is retried,
 * and exactly one of the two can apply.
 */
public final class DepositAccount {

	private static final Logger log = LoggerFactory.getLogger(DepositAccount.class);

	private static final String UNRESOLVED = "stopped before its lost reply was resolved; whether it was applied is in the audit";

	private final DepositNodes nodes;

	private final BankProperties properties;

	private final String customer;

	private final String instance = UUID.randomUUID().toString().substring(0, 13);

	private final StopSignal stop;

	private final AtomicLong sequence = new AtomicLong();

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
	 * Reads the balance and this customer's audit entry in one atomic round trip. Starts the
	 * audit (and creates the balance node with the opening balance) when the deposit was never
	 * audited.
	 * @throws DepositException when ZooKeeper is unavailable or the deposit is missing or corrupt
	 */
	public Snapshot read() {
		String customerPath = this.nodes.customerPath(this.customer);
		while (true) {
			List<OpResult> results = this.nodes.read(List.of(Op.getData(this.nodes.depositPath()),
					Op.getData(this.nodes.auditPath()), Op.getData(customerPath)));
			OpResult balance = results.get(0);
			boolean audited = results.get(1) instanceof OpResult.GetDataResult;
			if (!audited) {
				this.nodes.startAudit(balance, this.properties.openingBalance());
				continue;
			}
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
		return new Commit(operation, basis).run();
	}

	/** The state of one operation on its way to an outcome. */
	private final class Commit {

		private final Operation operation;

		private final long sequence = DepositAccount.this.sequence.incrementAndGet();

		private final long started = System.nanoTime();

		private Snapshot current;

		private int attempts;

		private int conflicts;

		private boolean ambiguous;

		/** The balance version a write with a lost reply expected; while it is current, that write may land. */
		private int pendingVersion = -1;

		private BigDecimal pendingAfter;

		private String failure;

		Commit(Operation operation, Snapshot basis) {
			this.operation = operation;
			this.current = basis;
		}

		CommitResult run() {
			while (true) {
				if (this.current == null && !readAgain()) {
					return end(Outcome.FAILED, null, -1, null, this.failure);
				}
				Snapshot basis = this.current;
				if (basis.totals().hasCommitted(DepositAccount.this.instance, this.sequence)) {
					log.info("{}: the lost reply was a commit; {} was applied once", DepositAccount.this.customer,
							this.operation);
					return end(Outcome.COMMITTED, this.pendingAfter, this.pendingVersion + 1, basis, null);
				}
				if (this.pendingVersion >= 0) {
					if (basis.version() < this.pendingVersion) {
						// a lagging server answered (or an operator recreated the node); only a newer
						// view settles the lost write
						if (stopped()) {
							return end(Outcome.FAILED, basis.balance(), basis.version(), null, UNRESOLVED);
						}
						this.current = null;
						pause();
						continue;
					}
					if (basis.version() > this.pendingVersion) {
						this.pendingVersion = -1; // the lost write can no longer apply
					}
				}
				boolean settled = this.pendingVersion < 0;
				if (settled && this.operation.type() == OperationType.WITHDRAW
						&& this.operation.amount().compareTo(basis.balance()) > 0) {
					return end(Outcome.REJECTED, basis.balance(), basis.version(), basis,
							"insufficient funds: balance " + Money.format(basis.balance()));
				}
				if (settled && this.attempts >= retry().maxAttempts()) {
					return end(Outcome.FAILED, basis.balance(), basis.version(), null,
							"gave up after " + this.attempts + " attempts");
				}
				if (settled && stopped() && this.attempts > 0) {
					return end(Outcome.FAILED, basis.balance(), basis.version(), null, "stopped before it committed");
				}
				Snapshot committed = attempt(basis);
				if (committed != null) {
					return end(Outcome.COMMITTED, committed.balance(), committed.version(), committed, null);
				}
				if (this.failure != null) {
					return end(Outcome.FAILED, basis.balance(), basis.version(), null, this.failure);
				}
			}
		}

		/** Sends one versioned write; returns the new snapshot, or {@code null} to go round again. */
		private Snapshot attempt(Snapshot basis) {
			this.attempts++;
			BigDecimal after = this.operation.type().apply(basis.balance(), this.operation.amount());
			CustomerTotals totals = basis.totals().plus(this.operation, DepositAccount.this.instance, this.sequence);
			String customerPath = DepositAccount.this.nodes.customerPath(DepositAccount.this.customer);
			Op writeTotals = (basis.totalsVersion() == Snapshot.NO_NODE) ? DepositAccount.this.nodes.create(customerPath, totals)
					: Op.setData(customerPath, AuditCodec.encode(totals), basis.totalsVersion());
			try {
				List<OpResult> results = DepositAccount.this.nodes.write(List.of(
						Op.setData(DepositAccount.this.nodes.depositPath(), Money.encode(after), basis.version()),
						writeTotals));
				int version = ((OpResult.SetDataResult) results.get(0)).getStat().getVersion();
				int totalsVersion = (results.get(1) instanceof OpResult.SetDataResult set) ? set.getStat().getVersion()
						: 0;
				return new Snapshot(after, version, totals, totalsVersion);
			}
			catch (KeeperException.BadVersionException | KeeperException.NodeExistsException ex) {
				if (this.pendingVersion < 0) {
					this.conflicts++; // with a lost write pending, the winner may be that write itself
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
				lost(basis, after, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				lost(basis, after, ex);
			}
			catch (DepositException ex) {
				// not connected: nothing was sent
			}
			this.current = null;
			pause();
			return null;
		}

		private void lost(Snapshot basis, BigDecimal after, Exception ex) {
			this.ambiguous = true;
			this.pendingVersion = basis.version();
			this.pendingAfter = after;
			log.warn("{}: the result of {} at version {} was lost ({}); finding out whether it was applied",
					DepositAccount.this.customer, this.operation, basis.version(), ex.getMessage());
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
					boolean resolving = this.pendingVersion >= 0 && !stopped();
					boolean waiting = ex.problem() == DepositException.Problem.ZOOKEEPER_UNAVAILABLE && !stopped()
							&& !overdue();
					if (!resolving && !waiting) {
						this.failure = ex.getMessage();
						if (this.pendingVersion >= 0) {
							this.failure = UNRESOLVED;
							log.error("{}: {} {}", DepositAccount.this.customer, this.operation, this.failure);
						}
						return false;
					}
					DepositAccount.this.stop.pause(retry().maxBackoff());
				}
			}
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

		/** @param balance the balance after a commit, else the last balance read ({@code null} if none) */
		private CommitResult end(Outcome outcome, BigDecimal balance, int version, Snapshot next, String reason) {
			BigDecimal before = (outcome != Outcome.COMMITTED) ? balance
					: this.operation.type().apply(balance, this.operation.amount().negate());
			return new CommitResult(this.operation, outcome, before, balance, version, this.attempts, this.conflicts,
					this.ambiguous, Duration.ofNanos(System.nanoTime() - this.started), next, reason);
		}

	}

}
