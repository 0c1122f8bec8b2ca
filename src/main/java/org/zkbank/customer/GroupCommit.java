package org.zkbank.customer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.Operation;
import org.zkbank.account.Snapshot;

/**
 * Lets the operations a customer runs at once share commits. A device that submits an
 * operation and finds no commit in flight commits every operation waiting, in the order
 * they came, with one {@link DepositAccount#commit(List, Snapshot)}; the devices whose
 * operations it took wait for their results. Operations that arrive meanwhile wait for
 * the next commit, which one of their devices makes. With one device this is a plain
 * commit.
 */
final class GroupCommit {

	private final DepositAccount account;

	private final Consumer<CommitResult> committed;

	private final ReentrantLock committing = new ReentrantLock();

	private final Queue<Submitted> waiting = new ConcurrentLinkedQueue<>();

	/**
	 * What the last commit left, {@code null} when it left nothing to commit from: newer
	 * than the bases of operations chosen while it was in flight. Guarded by the lock.
	 */
	private Snapshot written;

	/**
	 * @param committed told the result of each commit, in order, before its devices are
	 */
	GroupCommit(DepositAccount account, Consumer<CommitResult> committed) {
		this.account = account;
		this.committed = committed;
	}

	/** Commits the operation, with others waiting, and returns how it ended. */
	Receipt commit(Operation operation, Snapshot basis) {
		Submitted mine = new Submitted(operation, basis, Thread.currentThread(), new CompletableFuture<>());
		this.waiting.add(mine);
		while (!mine.result().isDone()) {
			if (this.committing.tryLock()) {
				try {
					if (!mine.result().isDone()) {
						// mine is among them: only the holder of the lock takes any
						commitWaiting();
					}
				}
				finally {
					this.committing.unlock();
					// an operation that came after the last take has a device parked
					// below: wake it to commit, also when this commit ended in an error
					Submitted next = this.waiting.peek();
					if (next != null) {
						LockSupport.unpark(next.device());
					}
				}
			}
			else {
				LockSupport.park(this);
			}
		}
		try {
			return mine.result().join();
		}
		catch (CompletionException ex) {
			throw new IllegalStateException("the commit that carried " + operation + " failed", ex.getCause());
		}
	}

	private void commitWaiting() {
		List<Submitted> batch = new ArrayList<>();
		for (Submitted next = this.waiting.poll(); next != null; next = this.waiting.poll()) {
			batch.add(next);
		}
		// the freshest basis, the last commit's too: a stale one only costs a conflict
		Snapshot basis = Stream.concat(batch.stream().map(Submitted::basis), Stream.ofNullable(this.written))
			.filter(Objects::nonNull)
			.max(Comparator.comparingLong(Snapshot::mzxid))
			.orElse(null);
		this.written = null;
		try {
			CommitResult result = this.account.commit(batch.stream().map(Submitted::operation).toList(), basis);
			this.written = result.snapshot();
			this.committed.accept(result);
			for (int i = 0; i < batch.size(); i++) {
				batch.get(i).result().complete(new Receipt(result.operations().get(i), result));
			}
		}
		catch (RuntimeException | Error ex) {
			// a defect: every device learns of it
			batch.forEach((submitted) -> submitted.result().completeExceptionally(ex));
			throw ex;
		}
		finally {
			batch.forEach((submitted) -> LockSupport.unpark(submitted.device()));
		}
	}

	/**
	 * One operation waiting for its commit, the device (thread) waiting for its result,
	 * and that result.
	 */
	private record Submitted(Operation operation, Snapshot basis, Thread device, CompletableFuture<Receipt> result) {
	}

}
