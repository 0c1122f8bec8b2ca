package org.zkbank.live;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.curator.framework.CuratorFramework;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositProperties;

/** One watch, one ledger and one publisher per instance, shared by every open page. */
@Configuration(proxyBeanMethods = false)
class LiveConfiguration {

	@Bean
	Ledger liveLedger(LiveProperties properties) {
		return new Ledger(properties.history(), properties.feed());
	}

	/** Watches and audits through the application's shared ZooKeeper session. */
	@Bean
	BankWatch bankWatch(CuratorFramework client, DepositProperties deposit, DepositAudit audit, Ledger ledger,
			LiveProperties properties) {
		return new BankWatch(client, deposit.path(), audit, ledger, properties.auditInterval());
	}

	@Bean
	LiveStream liveStream(Ledger ledger, BankWatch watch, MeterRegistry registry, LiveProperties properties) {
		return new LiveStream(ledger, watch, new ContentionMeters(registry), properties);
	}

}
