package org.zkbank.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.curator.framework.CuratorFramework;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import org.zkbank.BankApplication;

/**
 * For the benchmark: one instance of the application whose live page watches a deposit
 * (its own customer never operates), with a number of pages open on its event stream, and
 * the ZooKeeper requests its session sends, as the server counts them (four-letter word
 * {@code cons}).
 */
final class LivePageLoad implements AutoCloseable {

	private static final Pattern CONNECTION = Pattern.compile("recved=(\\d+),.*?sid=0x([0-9a-f]+)");

	private final ConfigurableApplicationContext app;

	private final String host;

	private final int port;

	private final long session;

	private final List<InputStream> pages = new ArrayList<>();

	private final AtomicLong updates = new AtomicLong();

	private final AtomicLong bytes = new AtomicLong();

	LivePageLoad(String connectString, String depositPath, int pages) throws Exception {
		this.app = new SpringApplicationBuilder(BankApplication.class).run("--spring.profiles.active=alice",
				"--bank.customers.names=Viewer", "--bank.customers.pace.interval-min=1h",
				"--bank.customers.pace.interval-max=1h", "--server.port=0", "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--spring.cloud.zookeeper.connect-string=" + connectString, "--bank.deposit.path=" + depositPath);
		String[] server = connectString.split(":");
		this.host = server[0];
		this.port = Integer.parseInt(server[1]);
		this.session = this.app.getBean(CuratorFramework.class).getZookeeperClient().getZooKeeper().getSessionId();
		int webPort = ((WebServerApplicationContext) this.app).getWebServer().getPort();
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 0; i < pages; i++) {
			HttpResponse<InputStream> page = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/live/events")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			this.pages.add(page.body());
			Thread reader = new Thread(() -> read(page.body()), "page-" + i);
			reader.setDaemon(true);
			reader.start();
		}
	}

	/** Requests received by the server from the instance's session so far. */
	long requests() {
		for (String line : FourLetterWords.ask(this.host, this.port, "cons")) {
			Matcher matcher = CONNECTION.matcher(line);
			if (matcher.find() && Long.parseUnsignedLong(matcher.group(2), 16) == this.session) {
				return Long.parseLong(matcher.group(1));
			}
		}
		throw new IllegalStateException(
				"the server lists no connection of session 0x" + Long.toHexString(this.session));
	}

	/** Updates the open pages received so far, all pages together. */
	long updates() {
		return this.updates.get();
	}

	/** Bytes the open pages received so far, all pages together. */
	long bytes() {
		return this.bytes.get();
	}

	int pages() {
		return this.pages.size();
	}

	private void read(InputStream page) {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(page, StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				this.bytes.addAndGet(line.length() + 1);
				if (line.startsWith("data:")) {
					this.updates.incrementAndGet();
				}
			}
		}
		catch (IOException ex) {
			// the page was closed
		}
	}

	@Override
	public void close() throws IOException {
		for (InputStream page : this.pages) {
			page.close();
		}
		this.app.close();
	}

}
