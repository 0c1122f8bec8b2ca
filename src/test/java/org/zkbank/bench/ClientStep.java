package org.zkbank.bench;

/** What one client does once; its threads repeat it until the run's time is up. */
@FunctionalInterface
interface ClientStep {

	void run(int client) throws Exception;

}
