package io.shardeddb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** Draws the result plots as PNG files with XChart. */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  private final Path dir;

  Charts(Path dir) {
    this.dir = dir;
  }

  /** Draws every plot the results allow; returns the files written. */
  List<Path> draw(List<PhaseResult> results) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    List<PhaseResult> main = valid(results, "main");
    if (!main.isEmpty()) {
      written.add(mainSeconds(main));
    }
    List<PhaseResult> clients = valid(results, "clients");
    if (!clients.isEmpty()) {
      written.add(sweep(clients, "clients", "clients", PhaseResult::clients, false));
      written.add(sweep(clients, "clients", "clients", PhaseResult::clients, true));
    }
    List<PhaseResult> shards = valid(results, "shards");
    if (!shards.isEmpty()) {
      written.add(sweep(shards, "shards", "shards (3 replicas each)", PhaseResult::shards, false));
      written.add(sweep(shards, "shards", "shards (3 replicas each)", PhaseResult::shards, true));
    }
    return written;
  }

  /**
   * The assignment's analysis chart ({@code write_performance.png} or {@code
   * read_performance.png}): a group of bars per configuration, on a log scale so the seed's
   * hundreds of seconds and ours fit one chart; each bar labelled with its seconds. Returns the
   * file written.
   */
  Path analysis(AnalysisReport.Bars bars, String name) throws IOException {
    Files.createDirectories(dir);
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(bars.title())
            .xAxisTitle("configuration")
            .yAxisTitle("seconds (log scale)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("#0.##");
    chart.getStyler().setYAxisLogarithmic(true);
    // XChart's bars rise from 0, which a log axis cannot show: they start at the axis minimum.
    chart.getStyler().setYAxisMin(bars.axisMin());
    chart.getStyler().setYAxisMax(bars.axisMax());
    for (AnalysisReport.Series s : bars.series()) {
      chart.addSeries(s.name(), bars.categories(), s.values());
    }
    return save(chart, name);
  }

  private static List<PhaseResult> valid(List<PhaseResult> results, String suite) {
    return results.stream()
        .filter(r -> r.suite().equals(suite))
        .filter(PhaseResult::valid)
        .toList();
  }

  private Path mainSeconds(List<PhaseResult> main) throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(
                String.format(
                    Locale.ROOT,
                    "%,d writes then %,d point reads, %d clients: seconds (lower is better)",
                    main.get(0).ops(),
                    main.get(0).ops(),
                    main.get(0).clients()))
            .xAxisTitle("system")
            .yAxisTitle("seconds")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("#0.0");
    List<String> targets = main.stream().map(PhaseResult::target).distinct().toList();
    for (String phase : List.of("write", "read")) {
      List<Double> seconds = new ArrayList<>();
      for (String t : targets) {
        seconds.add(
            main.stream()
                .filter(r -> r.target().equals(t) && r.phase().equals(phase))
                .mapToDouble(PhaseResult::seconds)
                .findFirst()
                .orElse(0));
      }
      chart.addSeries(phase + "s", targets, seconds);
    }
    return save(chart, "main-seconds");
  }

  private Path sweep(
      List<PhaseResult> rows,
      String suite,
      String xTitle,
      ToDoubleFunction<PhaseResult> x,
      boolean latency)
      throws IOException {
    String what = latency ? "p99 latency (ms)" : "throughput (ops/s)";
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(what + " by " + xTitle)
            .xAxisTitle(xTitle)
            .yAxisTitle(what)
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLogarithmic(suite.equals("clients"));
    chart.getStyler().setDecimalPattern("#0.#");
    chart.getStyler().setYAxisLogarithmic(true);
    for (String target : rows.stream().map(PhaseResult::target).distinct().toList()) {
      for (String phase : List.of("write", "read")) {
        List<PhaseResult> series =
            rows.stream()
                .filter(r -> r.target().equals(target) && r.phase().equals(phase))
                .toList();
        if (series.isEmpty()) {
          continue;
        }
        double[] xs = series.stream().mapToDouble(x).toArray();
        double[] ys =
            series.stream()
                .mapToDouble(r -> latency ? r.latency().p99() : r.opsPerSecond())
                .toArray();
        if (suite.equals("shards") && target.equals(Ratios.DIRECT) && series.size() == 1) {
          // One node has no shard count: draw its single measurement as a level across the sweep.
          xs = rows.stream().filter(r -> r.shards() > 0).mapToDouble(x).distinct().toArray();
          ys = Arrays.stream(xs).map(unused -> ys0(series, latency)).toArray();
        }
        chart.addSeries(target + " " + phase + "s", xs, ys);
      }
    }
    return save(chart, suite + (latency ? "-p99" : "-throughput"));
  }

  private static double ys0(List<PhaseResult> series, boolean latency) {
    PhaseResult r = series.get(0);
    return latency ? r.latency().p99() : r.opsPerSecond();
  }

  private Path save(Object chart, String name) throws IOException {
    Path file = dir.resolve(name + ".png");
    if (chart instanceof CategoryChart c) {
      BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    } else {
      BitmapEncoder.saveBitmap((XYChart) chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    return file;
  }
}
