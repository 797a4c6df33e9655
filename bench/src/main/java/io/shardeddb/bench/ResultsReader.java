package io.shardeddb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads results.csv back, so plots can be redrawn without measuring again. */
final class ResultsReader {
  private ResultsReader() {}

  static List<PhaseResult> read(Path csv) throws IOException {
    return Files.readAllLines(csv).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(ResultsReader::row)
        .toList();
  }

  private static PhaseResult row(String line) {
    String[] f = line.split(",", -1);
    return new PhaseResult(
        f[0],
        f[1],
        Integer.parseInt(f[2]),
        Integer.parseInt(f[3]),
        f[4],
        Integer.parseInt(f[5]),
        Integer.parseInt(f[6]),
        Integer.parseInt(f[7]),
        Integer.parseInt(f[8]),
        Double.parseDouble(f[9]),
        new LatencyStats(
            Double.parseDouble(f[11]),
            Double.parseDouble(f[12]),
            Double.parseDouble(f[13]),
            Double.parseDouble(f[14])),
        List.of(),
        // Files written before runs were repeated have no runs_seconds column.
        f.length > 16 && !f[16].isBlank()
            ? Arrays.stream(f[16].split(";")).map(Double::parseDouble).toList()
            : List.of(Double.parseDouble(f[9])));
  }
}
