package org.zkbank.bench;

/**
 * One workload of the contention table: what it is called, and one measured run of it.
 */
interface Workload {

	/** The workload column of its rows. */
	String label();

	/**
	 * One run against the server, from the given number of clients, each with its own
	 * session.
	 */
	Run run(String connectString, int clients) throws Exception;

}
