package org.zkbank.zookeeper;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ZooKeeper server of the local simulation.
 *
 * @param enabled whether this process runs its own server (on in the local simulation,
 * off for a customer profile that joins an external ZooKeeper)
 * @param port the client port, bound to the loopback address only
 */
@ConfigurationProperties("bank.embedded-zookeeper")
@Validated
record EmbeddedZooKeeperProperties(@DefaultValue("false") boolean enabled,
		@DefaultValue("2181") @Min(1) @Max(65535) int port) {
}
