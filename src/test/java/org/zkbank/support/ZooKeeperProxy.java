package org.zkbank.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TCP proxy between ZooKeeper clients and one server that reads the protocol's frames,
 * so a test can lose a commit (a {@code multi} request) before the server sees it, or
 * lose the server's reply after it applied the commit, stall all traffic like a
 * partition, cut every connection like a crash, and count the requests a client sends.
 */
public final class ZooKeeperProxy implements AutoCloseable {

	private enum Fault {

		NONE, DROP_NEXT_REQUEST, DROP_NEXT_REPLY

	}

	private final ServerSocket listener;

	private final InetSocketAddress server;

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "zookeeper-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	// ZooKeeper's opcode of a multi request (a commit)
	private static final int MULTI = 14;

	private final AtomicInteger requests = new AtomicInteger();

	private volatile Fault fault = Fault.NONE;

	private volatile boolean refuseAfterFault;

	private volatile boolean refusing;

	private volatile boolean stalled;

	private volatile CountDownLatch faulted = new CountDownLatch(1);

	public ZooKeeperProxy(int serverPort) throws IOException {
		this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.threads.execute(this::accept);
	}

	public String connectString() {
		return "127.0.0.1:" + this.listener.getLocalPort();
	}

	/**
	 * The next commit is not forwarded and the connection is cut: the server never sees
	 * it.
	 */
	public void loseNextCommit(boolean thenRefuse) {
		arm(Fault.DROP_NEXT_REQUEST, thenRefuse);
	}

	/**
	 * The reply to the next commit is not forwarded and the connection is cut: the commit
	 * was applied.
	 */
	public void loseNextCommitReply(boolean thenRefuse) {
		arm(Fault.DROP_NEXT_REPLY, thenRefuse);
	}

	/**
	 * The next commit, or its reply, chosen by the given random, is lost; the connection
	 * is cut, not refused after.
	 */
	public void loseNextCommitOrItsReply(Random random) {
		arm(random.nextBoolean() ? Fault.DROP_NEXT_REPLY : Fault.DROP_NEXT_REQUEST, false);
	}

	/**
	 * Starts a commit in the background whose reply is lost after the server applied it,
	 * the proxy then refusing connections until {@link #heal}; returns once the reply was
	 * lost, the commit's result still to come.
	 */
	public <T> CompletableFuture<T> loseReplyOf(Supplier<T> commit) throws InterruptedException {
		loseNextCommitReply(true);
		return untilLost(commit);
	}

	/**
	 * Starts a commit in the background whose request is lost before the server saw it,
	 * the proxy then refusing connections until {@link #heal}; returns once it was lost,
	 * the commit's result still to come.
	 */
	public <T> CompletableFuture<T> loseRequestOf(Supplier<T> commit) throws InterruptedException {
		loseNextCommit(true);
		return untilLost(commit);
	}

	private <T> CompletableFuture<T> untilLost(Supplier<T> commit) throws InterruptedException {
		CompletableFuture<T> result = CompletableFuture.supplyAsync(commit);
		assertThat(awaitFault(Duration.ofSeconds(10))).as("the commit or its reply lost within 10 s").isTrue();
		return result;
	}

	public boolean awaitFault(Duration timeout) throws InterruptedException {
		return this.faulted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * A partition: nothing is forwarded either way, and connections stay open, until
	 * {@link #heal}.
	 */
	public void stall() {
		this.stalled = true;
	}

	/**
	 * A crash of the client's process, as the server sees it: every connection is closed
	 * at once, without the session being closed, and new ones are refused until
	 * {@link #heal}. The session, and its ephemeral nodes, live on until it expires.
	 */
	public void cut() {
		this.refusing = true;
		this.sockets.forEach(ZooKeeperProxy::closeQuietly);
	}

	/** Accepts and forwards again after a fault that refused or stalled connections. */
	public void heal() {
		this.refusing = false;
		this.stalled = false;
	}

	/**
	 * Requests (not pings or session set-up) that clients sent through this proxy so far.
	 */
	public int requests() {
		return this.requests.get();
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		this.sockets.forEach(ZooKeeperProxy::closeQuietly);
		this.threads.shutdownNow();
	}

	private void arm(Fault fault, boolean thenRefuse) {
		this.faulted = new CountDownLatch(1);
		this.refuseAfterFault = thenRefuse;
		this.fault = fault;
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				if (this.refusing) {
					client.close();
					continue;
				}
				Socket upstream = new Socket(this.server.getAddress(), this.server.getPort());
				// no Nagle delay on small frames: the proxy adds no latency
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(upstream);
				// xids are per connection
				Set<Integer> commitXids = ConcurrentHashMap.newKeySet();
				this.threads.execute(() -> pump(client, upstream, true, commitXids));
				this.threads.execute(() -> pump(upstream, client, false, commitXids));
			}
			catch (IOException ex) {
				// closed, or the server is down: the client retries
			}
		}
	}

	/**
	 * Copies frames (a 4-byte length, then the body) one way; the first is the session
	 * handshake.
	 */
	private void pump(Socket from, Socket to, boolean requests, Set<Integer> commitXids) {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(from.getInputStream()));
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(to.getOutputStream()))) {
			boolean handshake = true;
			while (true) {
				byte[] frame = new byte[in.readInt()];
				in.readFully(frame);
				while (this.stalled) {
					Thread.sleep(10);
				}
				// Requests start with the xid and the opcode, replies with the xid; pings
				// and other internal frames have negative xids.
				ByteBuffer header = ByteBuffer.wrap(frame);
				int xid = (!handshake && frame.length >= 4) ? header.getInt(0) : -1;
				boolean commit = xid > 0
						&& (requests ? frame.length >= 8 && header.getInt(4) == MULTI : commitXids.remove(xid));
				handshake = false;
				if (requests && xid > 0) {
					this.requests.incrementAndGet();
					if (commit) {
						commitXids.add(xid);
					}
				}
				if (commit && this.fault == (requests ? Fault.DROP_NEXT_REQUEST : Fault.DROP_NEXT_REPLY)) {
					this.fault = Fault.NONE;
					this.refusing = this.refuseAfterFault;
					closeQuietly(from);
					closeQuietly(to);
					this.faulted.countDown();
					return;
				}
				out.writeInt(frame.length);
				out.write(frame);
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			closeQuietly(from);
			closeQuietly(to);
		}
		finally {
			this.sockets.remove(from);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
