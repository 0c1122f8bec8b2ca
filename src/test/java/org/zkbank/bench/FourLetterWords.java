package org.zkbank.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What ZooKeeper servers count themselves, asked with four-letter words (they must be in
 * {@code 4lw.commands.whitelist}): not the application's word.
 */
final class FourLetterWords {

	private static final String RECEIVED = "zk_packets_received";

	private FourLetterWords() {
	}

	/**
	 * The requests the servers of a connect string have received from clients so far
	 * ({@code mntr}'s {@value #RECEIVED}), summed over the servers. Pings count too; a
	 * busy client sends none.
	 */
	static long packetsReceived(String connectString) {
		long sum = 0;
		for (String server : connectString.split(",")) {
			int colon = server.lastIndexOf(':');
			sum += packetsReceived(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
		}
		return sum;
	}

	/** The lines a server answers to a four-letter word. */
	static List<String> ask(String host, int port, String word) {
		try (Socket socket = new Socket(host, port)) {
			OutputStream out = socket.getOutputStream();
			out.write(word.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException(word + " to " + host + ":" + port + " failed", ex);
		}
	}

	private static long packetsReceived(String host, int port) {
		for (String line : ask(host, port, "mntr")) {
			String[] pair = line.split("\t");
			if (pair.length == 2 && pair[0].equals(RECEIVED)) {
				return Long.parseLong(pair[1].trim());
			}
		}
		throw new IllegalStateException(
				host + ":" + port + " answered mntr without " + RECEIVED + " (is mntr in 4lw.commands.whitelist?)");
	}

}
