package org.zkbank.zookeeper;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import org.zkbank.support.StartupFailure;

/** An invalid ZooKeeper setting stops startup, and the report names the property and the reason. */
@ExtendWith(OutputCaptureExtension.class)
class ZooKeeperPropertiesTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			--bank.embedded-zookeeper.port=0    | bank.embedded-zookeeper.port    | must be greater than or equal to 1
			""")
	void invalidSettingFailsFastNamingTheProperty(String argument, String property, String reason,
			CapturedOutput output) {
		StartupFailure.assertStartupFails(PropertiesOnly.class, argument, property, reason, output);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(EmbeddedZooKeeperProperties.class)
	static class PropertiesOnly {

	}

}
