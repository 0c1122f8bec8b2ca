package org.zkbank.zookeeper;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import org.zkbank.support.StartupFailure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An invalid ZooKeeper setting stops startup, and the report names the property and the
 * reason.
 */
@ExtendWith(OutputCaptureExtension.class)
class ZooKeeperPropertiesTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					--bank.embedded-zookeeper.port=0        | bank.embedded-zookeeper.port             | must be greater than or equal to 1
					--bank.zookeeper.auth.username=bank     | bank.zookeeper.auth.usernameWithPassword | bank.zookeeper.auth.username and bank.zookeeper.auth.password go together
					--bank.zookeeper.auth.username=a:b      | bank.zookeeper.auth.username             | must not contain
					--bank.zookeeper.request-timeout=10ms   | bank.zookeeper.requestTimeout            | must be longer than or equal to 100 millis
					""")
	void invalidSettingFailsFastNamingTheProperty(String argument, String property, String reason,
			CapturedOutput output) {
		StartupFailure.assertStartupFails(PropertiesOnly.class, argument, property, reason, output);
	}

	@Test
	void thePasswordIsNotShown() {
		ZooKeeperProperties properties = new ZooKeeperProperties(Duration.ofSeconds(10),
				new ZooKeeperProperties.Auth("bank", "s3cret"));

		assertThat(properties.toString()).contains("username=bank").contains("password=****").doesNotContain("s3cret");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ EmbeddedZooKeeperProperties.class, ZooKeeperProperties.class })
	static class PropertiesOnly {

	}

}
