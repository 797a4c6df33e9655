package io.shardeddb.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressBlockTest {
  @Test
  void twoClustersOnOneMachineGetDifferentBlocks() {
    try (AddressBlock a = AddressBlock.reserve();
        AddressBlock b = AddressBlock.reserve()) {
      assertThat(a.prefix()).isNotEqualTo(b.prefix());
      assertThat(AddressBlock.isInUse(a.slot())).isTrue();
      assertThat(AddressBlock.tryReserve(a.slot())).isNull();
    }
  }

  @Test
  void aReleasedBlockIsFreeAgain() {
    AddressBlock a = AddressBlock.reserve();
    int slot = a.slot();
    a.close();
    assertThat(AddressBlock.isInUse(slot)).isFalse();
  }

  @Test
  void blocksAreLoopbackSlash24sAwayFrom127000() {
    assertThat(AddressBlock.prefixOf(0)).isEqualTo("127.16.0.");
    assertThat(AddressBlock.prefixOf(257)).isEqualTo("127.17.1.");
    assertThat(AddressBlock.prefixOf(AddressBlock.SLOTS - 1)).isEqualTo("127.31.255.");
  }
}
