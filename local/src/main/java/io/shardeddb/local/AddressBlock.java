package io.shardeddb.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The loopback /24 one local cluster owns ({@code 127.X.Y.0/24}), reserved by an OS file lock on a
 * slot file so that two clusters on one machine (two test JVMs, a user's {@code local up} beside a
 * test) never share an address. The lock dies with the process, so a crashed cluster's slot is free
 * again, and whoever takes it next can tell its leftovers (firewall rules) are stale.
 */
public final class AddressBlock implements AutoCloseable {
  /** Slots 0..4095 map to 127.16.0.0/24 .. 127.31.255.0/24, far from the usual 127.0.0.x. */
  static final int SLOTS = 4096;

  private static final int FIRST_SECOND_OCTET = 16;

  private final int slot;
  private final FileChannel channel;
  private final FileLock lock;

  private AddressBlock(int slot, FileChannel channel, FileLock lock) {
    this.slot = slot;
    this.channel = channel;
    this.lock = lock;
  }

  /** The shared directory of slot files (one small file per slot ever used; never deleted). */
  static Path lockDirectory() {
    return Path.of(System.getProperty("java.io.tmpdir"), "shardeddb-local-blocks");
  }

  /** Reserves a free block, starting the search at a random slot so clusters rarely contend. */
  public static AddressBlock reserve() {
    int start = ThreadLocalRandom.current().nextInt(SLOTS);
    for (int i = 0; i < SLOTS; i++) {
      int slot = (start + i) % SLOTS;
      AddressBlock b = tryReserve(slot);
      if (b != null) {
        return b;
      }
    }
    throw new IllegalStateException("every local address block is in use (" + SLOTS + " slots)");
  }

  /** The block of {@code slot} if no live process holds it, else null. */
  static AddressBlock tryReserve(int slot) {
    try {
      Files.createDirectories(lockDirectory());
      FileChannel ch =
          FileChannel.open(
              lockDirectory().resolve("slot-" + slot + ".lock"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by another cluster in this JVM
      }
      if (l == null) {
        ch.close();
        return null;
      }
      return new AddressBlock(slot, ch, l);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reserve local address block " + slot, e);
    }
  }

  /** Whether a live process (this one included) holds {@code slot}. */
  static boolean isInUse(int slot) {
    AddressBlock probe = tryReserve(slot);
    if (probe == null) {
      return true;
    }
    probe.close();
    return false;
  }

  /** The slot number (it also names this cluster's firewall chain). */
  public int slot() {
    return slot;
  }

  /** {@code 127.X.Y.} — pods get {@code .2} to {@code .254}. */
  public String prefix() {
    return prefixOf(slot);
  }

  /** {@code 127.X.Y.1}: the "node" address the kubelet's probes come from. */
  public String nodeAddress() {
    return prefix() + "1";
  }

  static String prefixOf(int slot) {
    return "127." + (FIRST_SECOND_OCTET + slot / 256) + "." + (slot % 256) + ".";
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock dies with the channel or the process anyway
    }
  }
}
