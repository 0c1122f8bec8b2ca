package org.zkbank.live;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Publishes the live state to every open page. One thread ticks every
 * {@code bank.live.push-interval}: when the ledger, the meters or the connection changed,
 * it builds the state once and hands it to each page; it never reads ZooKeeper. A page
 * keeps only the newest state not yet sent, and at most one thread sends to it, so a slow
 * or vanished browser costs one pending update and one blocked thread, never a growing
 * queue.
 */
final class LiveStream implements SmartLifecycle {

	/** The name of every server-sent event of the stream. */
	static final String EVENT = "bank";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Ledger ledger;

	private final BankWatch watch;

	private final ContentionMeters meters;

	private final LiveProperties properties;

	private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();

	private final AtomicInteger updates = new AtomicInteger();

	private ScheduledExecutorService ticker;

	private ThreadPoolExecutor senders;

	private Object lastKey;

	private volatile String latest;

	LiveStream(Ledger ledger, BankWatch watch, ContentionMeters meters, LiveProperties properties) {
		this.ledger = ledger;
		this.watch = watch;
		this.meters = meters;
		this.properties = properties;
	}

	/** A new page's stream: the current state at once, then each change, coalesced. */
	SseEmitter subscribe() {
		if (this.viewers.size() >= this.properties.maxViewers()) {
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"bank.live.max-viewers (" + this.properties.maxViewers() + ") pages are open");
		}
		SseEmitter emitter = new SseEmitter(this.properties.streamTimeout().toMillis());
		Viewer viewer = new Viewer(emitter);
		this.viewers.add(viewer);
		emitter.onCompletion(() -> this.viewers.remove(viewer));
		emitter.onTimeout(() -> this.viewers.remove(viewer));
		emitter.onError((ex) -> this.viewers.remove(viewer));
		String state = this.latest;
		viewer.offer((state != null) ? state : JSON.writeValueAsString(state()));
		return emitter;
	}

	/** Pages open now. */
	int viewers() {
		return this.viewers.size();
	}

	/** States built and handed to the open pages since start. */
	int updates() {
		return this.updates.get();
	}

	@Override
	public void start() {
		this.senders = new ThreadPoolExecutor(0, this.properties.maxViewers(), 30, TimeUnit.SECONDS,
				new SynchronousQueue<>(), (task) -> {
					Thread thread = new Thread(task, "live-send");
					thread.setDaemon(true);
					return thread;
				});
		this.ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "live-tick");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.properties.pushInterval().toMillis();
		this.ticker.scheduleWithFixedDelay(this::tick, 0, interval, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.ticker.shutdownNow();
		this.viewers.forEach((viewer) -> viewer.emitter.complete());
		this.viewers.clear();
		this.senders.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.ticker != null && !this.ticker.isShutdown();
	}

	private void tick() {
		try {
			boolean connected = this.watch.connected();
			List<LiveState.Contention> contention = this.meters.snapshot();
			Object key = List.of(this.ledger.sequence(), contention, connected, this.watch.connection());
			if (key.equals(this.lastKey)) {
				return;
			}
			this.lastKey = key;
			if (this.viewers.isEmpty()) {
				this.latest = null; // built when a page comes
				return;
			}
			String state = JSON.writeValueAsString(state());
			this.latest = state;
			this.updates.incrementAndGet();
			this.viewers.forEach((viewer) -> viewer.offer(state));
		}
		catch (RuntimeException ex) {
			// the next tick tries again; a failing tick must not end the schedule
		}
	}

	private LiveState state() {
		return new LiveState(this.watch.path(), this.watch.connected(), this.watch.connection(), this.ledger.snapshot(),
				this.meters.snapshot());
	}

	/**
	 * One open page: the newest state it has not been sent yet, and whether a thread is
	 * sending to it.
	 */
	private final class Viewer {

		private final SseEmitter emitter;

		private final AtomicReference<String> pending = new AtomicReference<>();

		private final AtomicBoolean sending = new AtomicBoolean();

		Viewer(SseEmitter emitter) {
			this.emitter = emitter;
		}

		void offer(String state) {
			this.pending.set(Objects.requireNonNull(state));
			if (this.sending.compareAndSet(false, true)) {
				try {
					LiveStream.this.senders.execute(this::drain);
				}
				catch (RejectedExecutionException ex) {
					this.sending.set(false);
				}
			}
		}

		private void drain() {
			try {
				String state;
				while ((state = this.pending.getAndSet(null)) != null) {
					this.emitter.send(SseEmitter.event().name(EVENT).data(state));
				}
			}
			catch (IOException | IllegalStateException ex) {
				LiveStream.this.viewers.remove(this);
				this.emitter.completeWithError(ex);
				return;
			}
			finally {
				this.sending.set(false);
			}
			if (this.pending.get() != null) {
				offer(this.pending.get());
			}
		}

	}

}
