package org.zkbank.account;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Places in the line for turns: their names as ZooKeeper makes them, and their order. */
class TurnPlaceTests {

	@Test
	void aPlaceIsItsInstanceAndTheSequenceZooKeeperAppended() {
		assertThat(TurnPlace.parse("3f2a9c1e-7b4d-0000000042"))
			.isEqualTo(new TurnPlace("3f2a9c1e-7b4d-0000000042", "3f2a9c1e-7b4d", 42));
		assertThat(TurnPlace.parse("3f2a9c1e-7b4d-2147483647").sequence()).isEqualTo(Integer.MAX_VALUE);
		// past the wrap ZooKeeper writes %010d of a negative counter: the sign, then up
		// to ten digits
		assertThat(TurnPlace.parse("3f2a9c1e-7b4d--000000005"))
			.isEqualTo(new TurnPlace("3f2a9c1e-7b4d--000000005", "3f2a9c1e-7b4d", -5));
		assertThat(TurnPlace.parse("3f2a9c1e-7b4d--2147483648"))
			.isEqualTo(new TurnPlace("3f2a9c1e-7b4d--2147483648", "3f2a9c1e-7b4d", Integer.MIN_VALUE));
	}

	@Test
	void namesOfNoSequentialNodeAreLeftOut() {
		assertThat(TurnPlace.inOrder(List.of("anyone", "lock-0000000001", "-0000000001", "3f2a9c1e-7b4d-00000000x1",
				"3f2a9c1e-7b4d-0000000007")))
			.extracting(TurnPlace::name)
			.containsExactly("lock-0000000001", "3f2a9c1e-7b4d-0000000007");
	}

	@Test
	void placesAreInSequenceOrderAlsoAcrossTheWrapOfTheCounter() {
		assertThat(TurnPlace.inOrder(List.of("c-0000000012", "a-0000000010", "b-0000000011")))
			.extracting(TurnPlace::instance)
			.containsExactly("a", "b", "c");
		List<String> acrossTheWrap = List.of("d--2147483647", "b-2147483647", "c--2147483648", "a-2147483646");
		for (int first = 0; first < acrossTheWrap.size(); first++) {
			List<String> names = new ArrayList<>(acrossTheWrap);
			Collections.rotate(names, first);
			assertThat(TurnPlace.inOrder(names)).extracting(TurnPlace::instance).containsExactly("a", "b", "c", "d");
		}
	}

}
