package org.zkbank.zookeeper;

import org.apache.curator.ensemble.EnsembleProvider;
import org.apache.curator.ensemble.fixed.FixedEnsembleProvider;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The local simulation's ZooKeeper. Spring Cloud Zookeeper's client takes its address
 * from the {@link EnsembleProvider} bean, so the server starts before every client and
 * stops after them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("bank.embedded-zookeeper.enabled")
class EmbeddedZooKeeperConfiguration {

	@Bean
	EmbeddedZooKeeper embeddedZooKeeper(EmbeddedZooKeeperProperties properties) throws Exception {
		return new EmbeddedZooKeeper(properties.port());
	}

	@Bean
	EnsembleProvider embeddedZooKeeperEnsemble(EmbeddedZooKeeper server) {
		return new FixedEnsembleProvider(server.connectString());
	}

}
