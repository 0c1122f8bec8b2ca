package org.zkbank.account;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer instance's view of the line for turns to write, kept in ZooKeeper beside
 * the balance:
 *
 * <pre>
 * /bank_deposit_turns                           (empty)  persistent, created by the first instance that waits
 * /bank_deposit_turns/3f2a9c1e-7b4d-0000000042  (empty)  ephemeral sequential: one waiting instance's place
 * </pre>
 *
 * An instance that lost a race takes a place at the back ({@link #join}), one create.
 * Places are served in sequence order, first come first served. The instance that holds
 * the turn has no place: it learns of waiters by a child watch ({@link #othersWaiting},
 * {@link #readLineAhead}), and hands the turn over by deleting the place at the front
 * ({@link #tapFront}), whose owner watches its own place; at the end of a turn it takes a
 * place at the back in the same round trip. Every other waiter watches the place just
 * before its own, as Curator's lock recipe does, so a hand-over wakes one instance, and
 * nobody reads on a timer ({@link #awaitTurn}).
 * <p>
 * Nothing here is part of a commit, and the line is only advice: any instance may write
 * at any time, and the versioned commit decides. The first in line that is not handed the
 * turn within its lease writes anyway, keeping its place until a write wins, so a holder
 * that died, stopped or was cut off holds up the line for one lease. A first in line that
 * died itself would hold it up until its session expires, its ephemeral place lingering:
 * a holder deletes it when it hands over, and the second in line deletes it after two
 * leases. A line that cannot be read ends the wait. No watch is set on a bank node: the
 * live page's watch on the balance shares the first customer's session, and a 3.8 server
 * keeps one watch mode per path and session. Calls come from the instance's committing
 * thread, or from its idle timer between commits, one at a time; watch events and answers
 * of background reads from ZooKeeper's event thread.
 */
final class TurnQueue {

	private static final Logger log = LoggerFactory.getLogger(TurnQueue.class);

	/** How a wait for a turn ended. */
	enum Turn {

		/** The holder handed the turn over: this instance's place is gone. */
		GIVEN,

		/**
		 * First in line and not given the turn within the lease, or second in line behind
		 * a first that outlived two: nobody is handing over. The instance writes, and
		 * keeps its place until a write wins.
		 */
		LEASE_OVER,

		/** The line could not be read: there is no turn to wait for. */
		UNAVAILABLE,

		/** The instance stopped, or the deadline passed. */
		ENDED

	}

	private static final byte[] EMPTY = new byte[0];

	private final DepositNodes nodes;

	private final String instance;

	private final StopSignal stop;

	private final Object monitor = new Object();

	/**
	 * Watch events (and a stop), counted under the monitor: a waiter reads the line again
	 * only when the count moved.
	 */
	private long signals;

	/**
	 * Whether this instance may have a place: it joined, and was not given a turn since.
	 */
	private boolean queued;

	/** This instance's place, {@code null} when it has none or a lost reply hides it. */
	private volatile String place;

	/** Whether this instance's place was deleted: the holder handed it the turn. */
	private volatile boolean given;

	/** The line as the holder read it last; its child watch marks it stale. */
	private volatile List<TurnPlace> line = List.of();

	private volatile boolean lineStale = true;

	/** Whether a read of the line ahead of need is on its way. */
	private volatile boolean lineReading;

	private final Watcher placeWatcher = this::placeChanged;

	private final Watcher lineWatcher = (event) -> this.lineStale = true;

	/** Ends a wait on stop; registered only while waiting, so a stop keeps no queue. */
	private final Runnable wakeOnStop = this::signal;

	TurnQueue(DepositNodes nodes, String instance, StopSignal stop) {
		this.nodes = nodes;
		this.instance = instance;
		this.stop = stop;
	}

	/**
	 * Whether other instances wait for a turn. Reads the line (and sets the child watch)
	 * only when the watch told of a change since the last read, and no read is on its way
	 * already; a line that cannot be read has nobody in it.
	 */
	boolean othersWaiting() {
		if (this.lineStale && !this.lineReading) {
			this.lineStale = false; // before the read: a change after it marks it again
			List<TurnPlace> read = orElse(() -> readLine(this.lineWatcher), null);
			this.lineStale = read == null;
			this.line = (read != null) ? read : List.of();
		}
		return othersIn(this.line);
	}

	/**
	 * Whether other instances wait for a turn, as the line was last read; {@code null} if
	 * the child watch told of a change since.
	 */
	Boolean othersWaitingAsLastRead() {
		List<TurnPlace> known = this.line;
		return this.lineStale ? null : othersIn(known);
	}

	private boolean othersIn(List<TurnPlace> waiting) {
		return waiting.stream().anyMatch((place) -> !place.instance().equals(this.instance));
	}

	/**
	 * Reads the line in the background if the child watch told of a change, so that
	 * {@link #othersWaiting} at the end of the turn finds it fresh and the hand-over
	 * waits for no read.
	 */
	void readLineAhead() {
		if (!this.lineStale || this.lineReading) {
			return;
		}
		try {
			ZooKeeper zooKeeper = this.nodes.connected();
			this.lineReading = true;
			zooKeeper.getChildren(this.nodes.turnsPath(), this.lineWatcher, (rc, path, context, children) -> {
				if (rc == KeeperException.Code.OK.intValue()) {
					// an answer comes before the news of a later change, which marks the
					// line stale again
					this.line = TurnPlace.inOrder(children);
					this.lineStale = false;
				}
				else if (rc == KeeperException.Code.NONODE.intValue()) {
					// nobody ever waited: a watch tells of the line's creation
					zooKeeper.exists(path, this.lineWatcher, (existsRc, existsPath, existsContext, stat) -> {
						if (existsRc == KeeperException.Code.NONODE.intValue()) {
							this.line = List.of();
							this.lineStale = false;
						}
						this.lineReading = false; // created meanwhile: it stays stale
					}, null);
					return;
				}
				this.lineReading = false;
			}, null);
		}
		catch (DepositException ex) {
			// not connected: othersWaiting reads, or finds nobody
		}
	}

	/**
	 * Hands the turn to the first in line: deletes its place, which tells its owner. A
	 * place that is gone already, or whose owner never comes, costs the next in line one
	 * lease. Needs a line read by {@link #othersWaiting}.
	 * @return whether there was somebody to hand the turn to
	 */
	boolean tapFront() {
		TurnPlace front = this.line.stream()
			.filter((waiting) -> !waiting.instance().equals(this.instance))
			.findFirst()
			.orElse(null);
		if (front == null) {
			return false;
		}
		try {
			this.nodes.connected().delete(path(front), 0, (rc, path, context) -> {
			}, null);
		}
		catch (DepositException ex) {
			return false;
		}
		this.lineStale = true;
		return true;
	}

	/**
	 * Takes a place at the back of the line, unless this instance has one; sent after a
	 * {@link #tapFront}, both go in one round trip.
	 * @return whether this instance now has a place to wait in
	 */
	boolean join() {
		if (this.queued) {
			return true;
		}
		this.given = false;
		this.place = null;
		try {
			this.place = createPlace();
			this.queued = true;
		}
		catch (KeeperException ex) {
			// a lost reply may have created it: the next read of the line finds it
			this.queued = DepositNodes.isConnectionProblem(ex);
			log.debug("{}: no place in line for a turn: {}", this.instance, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.queued = true;
		}
		catch (DepositException ex) {
			this.queued = false; // not connected: nothing was sent
		}
		return this.queued;
	}

	/**
	 * Waits until this instance may write: until the holder hands it the turn, or it has
	 * been first in line for the lease, or the line cannot be read, a stop, or the
	 * deadline. Second in line, it takes out of the line a first that outlived two
	 * leases. Without a place it need not wait.
	 * @param lease how long the first in line waits to be given the turn
	 * @param deadline the {@link System#nanoTime} at which to stop waiting
	 */
	Turn awaitTurn(Duration lease, long deadline) {
		this.stop.onStop(this.wakeOnStop);
		try {
			return waitForTurn(lease, deadline);
		}
		finally {
			this.stop.removeOnStop(this.wakeOnStop);
		}
	}

	private Turn waitForTurn(Duration lease, long deadline) {
		long firstSince = 0;
		boolean first = false;
		TurnPlace watchedFirst = null;
		long secondSince = 0;
		while (this.queued) {
			long seen;
			synchronized (this.monitor) {
				seen = this.signals;
			}
			if (this.given) {
				return given();
			}
			if (ended(deadline)) {
				return Turn.ENDED;
			}
			List<TurnPlace> waiting = orElse(() -> readLine(null), null);
			TurnPlace own = (waiting != null) ? own(waiting) : null;
			if (waiting == null) {
				return Turn.UNAVAILABLE;
			}
			if (own == null) {
				return given(); // handed the turn, or its session ended with the place
			}
			this.place = path(own);
			TurnPlace ahead = null;
			for (TurnPlace other : waiting) {
				if (other == own) {
					break;
				}
				ahead = other;
			}
			if (ahead == null && !first) {
				first = true;
				firstSince = System.nanoTime();
			}
			boolean second = ahead != null && ahead == waiting.get(0);
			if (second && !ahead.equals(watchedFirst)) {
				watchedFirst = ahead;
				secondSince = System.nanoTime();
			}
			// the first in line watches its own place for the hand-over, the others the
			// place ahead
			String watched = (ahead != null) ? path(ahead) : this.place;
			Boolean exists = orElse(() -> this.nodes.connected().exists(watched, this.placeWatcher) != null, null);
			if (exists == null) {
				return Turn.UNAVAILABLE;
			}
			if (!exists) {
				if (ahead == null) {
					return given();
				}
				continue;
			}
			long until = first ? Math.min(deadline, firstSince + lease.toNanos())
					: second ? Math.min(deadline, secondSince + 2 * lease.toNanos()) : deadline;
			if (!await(seen, until)) {
				return Turn.ENDED;
			}
			boolean timedOut = !this.given && !ended(deadline) && System.nanoTime() - until >= 0;
			if (timedOut && first) {
				return Turn.LEASE_OVER;
			}
			if (timedOut && second) {
				// alive, the first in line would have been handed the turn, or have
				// written at the end of its lease and left: it died or was cut off, its
				// place lingers until its session expires, and nobody hands turns over
				log.info("{}: {} has been first in line for two leases; it is taken out of the line", this.instance,
						ahead.name());
				String stuck = path(ahead);
				orElse(() -> {
					this.nodes.connected().delete(stuck, 0);
					return null;
				}, null);
				return Turn.LEASE_OVER;
			}
		}
		return Turn.GIVEN;
	}

	/**
	 * Gives up this instance's place, if it has one: the commit that waited in it ended,
	 * or wrote anyway and won.
	 */
	void leave() {
		if (!this.queued) {
			return;
		}
		this.queued = false;
		String own = this.place;
		this.place = null;
		this.given = false;
		try {
			ZooKeeper zooKeeper = this.nodes.connected();
			if (own != null) {
				zooKeeper.delete(own, 0, (rc, path, context) -> {
				}, null);
			}
			else {
				// a lost reply hid it: every place of this instance goes
				for (TurnPlace mine : readLine(null)) {
					if (mine.instance().equals(this.instance)) {
						zooKeeper.delete(path(mine), 0, (rc, path, context) -> {
						}, null);
					}
				}
			}
		}
		catch (KeeperException | DepositException ex) {
			// it lingers until the session ends; the next in line waits one lease at most
			log.debug("{}: could not leave the line: {}", this.instance, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits for a signal after the given count, a stop, or the given time.
	 * @return {@code false} when interrupted
	 */
	private boolean await(long seen, long until) {
		synchronized (this.monitor) {
			try {
				while (this.signals == seen && !this.stop.isStopped()) {
					long left = until - System.nanoTime();
					if (left <= 0) {
						break;
					}
					TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
				}
				return true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

	private boolean ended(long deadline) {
		return this.stop.isStopped() || Thread.currentThread().isInterrupted() || System.nanoTime() - deadline >= 0;
	}

	private Turn given() {
		this.queued = false;
		this.place = null;
		this.given = false;
		return Turn.GIVEN;
	}

	private String createPlace() throws KeeperException, InterruptedException {
		ZooKeeper zooKeeper = this.nodes.connected();
		String prefix = this.nodes.turnsPath() + "/" + this.instance + "-";
		try {
			return zooKeeper.create(prefix, EMPTY, this.nodes.acl(), CreateMode.EPHEMERAL_SEQUENTIAL);
		}
		catch (KeeperException.NoNodeException ex) {
			try {
				zooKeeper.create(this.nodes.turnsPath(), EMPTY, this.nodes.acl(), CreateMode.PERSISTENT);
			}
			catch (KeeperException.NodeExistsException raced) {
				// another instance made it
			}
			return zooKeeper.create(prefix, EMPTY, this.nodes.acl(), CreateMode.EPHEMERAL_SEQUENTIAL);
		}
	}

	/**
	 * The places in line, in their order.
	 * @param watcher told of the next change of the line, or {@code null}; while nobody
	 * ever waited, told when the line is created
	 */
	private List<TurnPlace> readLine(Watcher watcher) throws KeeperException, InterruptedException {
		ZooKeeper zooKeeper = this.nodes.connected();
		try {
			return TurnPlace.inOrder(zooKeeper.getChildren(this.nodes.turnsPath(), watcher));
		}
		catch (KeeperException.NoNodeException ex) {
			if (watcher != null && zooKeeper.exists(this.nodes.turnsPath(), watcher) != null) {
				return TurnPlace.inOrder(zooKeeper.getChildren(this.nodes.turnsPath(), watcher));
			}
			return List.of();
		}
	}

	/**
	 * This instance's first place in the line, {@code null} if none; a second one (left
	 * by a lost reply) is given up.
	 */
	private TurnPlace own(List<TurnPlace> waiting) {
		TurnPlace own = null;
		for (TurnPlace candidate : waiting) {
			if (candidate.instance().equals(this.instance)) {
				if (own == null) {
					own = candidate;
				}
				else {
					orElse(() -> {
						this.nodes.connected().delete(path(candidate), 0, (rc, path, context) -> {
						}, null);
						return null;
					}, null);
				}
			}
		}
		return own;
	}

	private String path(TurnPlace waiting) {
		return this.nodes.turnsPath() + "/" + waiting.name();
	}

	private void placeChanged(WatchedEvent event) {
		if (event.getType() == Watcher.Event.EventType.NodeDeleted && event.getPath() != null
				&& event.getPath().equals(this.place)) {
			this.given = true;
		}
		signal(); // also a change of the connection, after which the line is read again
	}

	private void signal() {
		synchronized (this.monitor) {
			this.signals++;
			this.monitor.notifyAll();
		}
	}

	/** The call's result, or the fallback when ZooKeeper is unavailable or refuses. */
	private <T> T orElse(Call<T> call, T fallback) {
		try {
			return call.call();
		}
		catch (KeeperException | DepositException ex) {
			log.debug("{}: the line for turns could not be used: {}", this.instance, ex.toString());
			return fallback;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fallback;
		}
	}

	private interface Call<T> {

		T call() throws KeeperException, InterruptedException;

	}

}
