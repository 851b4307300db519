package io.sigbridge.internal.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * Draws the bench's latency distributions as empirical CDFs on a log10 time axis into a PNG,
 * with plain Java2D (no chart library). A log axis because the contenders differ by an order of
 * magnitude and their tails by more; a CDF because every percentile can be read off it.
 *
 * <p>The caller must have set {@code java.awt.headless=true} before any AWT class loaded: the
 * bench runs in terminals and CI without a display.
 */
final class BenchPlot {
    static final int WIDTH = 1000;
    static final int HEIGHT = 620;

    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 70;
    private static final int BOTTOM = 70;
    /** One colour per contender, in table order: C floor, sigbridge, sun.misc.Signal. */
    private static final Color[] COLOURS = {
        new Color(0x55, 0x55, 0x55), new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x5f, 0x0e),
        new Color(0x2c, 0xa0, 0x2c),
    };

    private BenchPlot() {}

    static void write(Path file, List<LatencyStats> series, String subtitle) throws IOException {
        BufferedImage image = draw(series, subtitle);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("this JVM has no PNG writer");
        }
    }

    static BufferedImage draw(List<LatencyStats> series, String subtitle) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
                    RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            new Frame(g, series).paint(subtitle);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The plot area and its log-x / linear-y mapping. */
    private static final class Frame {
        private final Graphics2D g;
        private final List<LatencyStats> series;
        private final int x0 = LEFT;
        private final int x1 = WIDTH - RIGHT;
        private final int y0 = HEIGHT - BOTTOM; // y = 0
        private final int y1 = TOP;             // y = 1
        private final int firstDecade;          // log10 of the axis start, in microseconds
        private final int lastDecade;

        Frame(Graphics2D g, List<LatencyStats> series) {
            this.g = g;
            this.series = series;
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (LatencyStats s : series) {
                lo = Math.min(lo, micros(s.min()));
                hi = Math.max(hi, micros(s.max()));
            }
            firstDecade = (int) Math.floor(Math.log10(lo));
            lastDecade = Math.max(firstDecade + 1, (int) Math.ceil(Math.log10(hi)));
        }

        private static double micros(long nanos) {
            return Math.max(nanos, 1) / 1000.0; // a 0 ns sample (coarse clock) has no logarithm
        }

        private double x(double micros) {
            double t = (Math.log10(micros) - firstDecade) / (lastDecade - firstDecade);
            return x0 + t * (x1 - x0);
        }

        private double y(double fraction) {
            return y0 - fraction * (y0 - y1);
        }

        void paint(String subtitle) {
            grid();
            for (int i = 0; i < series.size(); i++) {
                curve(series.get(i), COLOURS[i % COLOURS.length]);
            }
            axes();
            legend();
            titles(subtitle);
        }

        private void grid() {
            g.setStroke(new BasicStroke(1f));
            for (int d = firstDecade; d <= lastDecade; d++) {
                for (int m = 1; m <= 9 && (d < lastDecade || m == 1); m++) {
                    g.setColor(m == 1 ? new Color(0xcc, 0xcc, 0xcc) : new Color(0xee, 0xee, 0xee));
                    int x = (int) Math.round(x(m * Math.pow(10, d)));
                    g.drawLine(x, y1, x, y0);
                }
            }
            g.setColor(new Color(0xdd, 0xdd, 0xdd));
            for (int i = 0; i <= 10; i++) {
                int y = (int) Math.round(y(i / 10.0));
                g.drawLine(x0, y, x1, y);
            }
            // the two percentiles the table prints, so the curves can be read against them
            g.setColor(new Color(0xaa, 0xaa, 0xaa));
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {4f, 4f}, 0f));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            for (double p : new double[] {0.5, 0.99}) {
                int y = (int) Math.round(y(p));
                g.drawLine(x0, y, x1, y);
                g.drawString(p == 0.5 ? "p50" : "p99", x1 - 26, y + 13);
            }
        }

        private void curve(LatencyStats s, Color colour) {
            long[] sorted = s.sortedNanos();
            int n = sorted.length;
            Path2D.Double path = new Path2D.Double();
            path.moveTo(x(micros(sorted[0])), y(0));
            for (int i = 0; i < n; i++) {
                // a step: the fraction jumps from i/n to (i+1)/n at each sample
                double x = x(micros(sorted[i]));
                path.lineTo(x, y((double) i / n));
                path.lineTo(x, y((double) (i + 1) / n));
            }
            g.setColor(colour);
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
        }

        private void axes() {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f));
            g.drawRect(x0, y1, x1 - x0, y0 - y1);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            for (int d = firstDecade; d <= lastDecade; d++) {
                int x = (int) Math.round(x(Math.pow(10, d)));
                g.drawLine(x, y0, x, y0 + 6);
                String label = decadeLabel(d);
                g.drawString(label, x - fm.stringWidth(label) / 2, y0 + 8 + fm.getAscent());
            }
            for (int i = 0; i <= 10; i += 2) {
                int y = (int) Math.round(y(i / 10.0));
                g.drawLine(x0 - 6, y, x0, y);
                String label = String.format(Locale.ROOT, "%.1f", i / 10.0);
                g.drawString(label, x0 - 10 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            fm = g.getFontMetrics();
            String xLabel = "latency from kill() to the handler (log scale)";
            g.drawString(xLabel, (x0 + x1 - fm.stringWidth(xLabel)) / 2, HEIGHT - 22);
            String yLabel = "fraction of signals handled within that time";
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(y0 + y1 + fm.stringWidth(yLabel)) / 2, 24);
            rotated.dispose();
        }

        private static String decadeLabel(int decade) {
            if (decade < 0) {
                return String.format(Locale.ROOT, "%s ns", (long) Math.pow(10, decade + 3));
            }
            if (decade < 3) {
                return String.format(Locale.ROOT, "%d \u00b5s", (long) Math.pow(10, decade));
            }
            if (decade < 6) {
                return String.format(Locale.ROOT, "%d ms", (long) Math.pow(10, decade - 3));
            }
            return String.format(Locale.ROOT, "%d s", (long) Math.pow(10, decade - 6));
        }

        private void legend() {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            String[] lines = new String[series.size()];
            int width = 0;
            for (int i = 0; i < lines.length; i++) {
                LatencyStats s = series.get(i);
                lines[i] = String.format(Locale.ROOT, "%s   p50 %s \u00b5s   p99 %s \u00b5s   (n=%d)",
                        s.contender(), LatencyStats.micros(s.percentile(50)),
                        LatencyStats.micros(s.percentile(99)), s.count());
                width = Math.max(width, fm.stringWidth(lines[i]));
            }
            // bottom right: the CDFs start low on the left and end high on the right
            int rowHeight = fm.getHeight() + 4;
            int boxWidth = width + 50;
            int boxHeight = rowHeight * lines.length + 12;
            int bx = x1 - boxWidth - 12;
            int by = y0 - boxHeight - 12;
            g.setColor(new Color(255, 255, 255, 235));
            g.fillRect(bx, by, boxWidth, boxHeight);
            g.setColor(new Color(0x99, 0x99, 0x99));
            g.setStroke(new BasicStroke(1f));
            g.drawRect(bx, by, boxWidth, boxHeight);
            for (int i = 0; i < lines.length; i++) {
                int baseline = by + 8 + rowHeight * i + fm.getAscent();
                g.setColor(COLOURS[i % COLOURS.length]);
                g.setStroke(new BasicStroke(3f));
                int ly = baseline - fm.getAscent() / 2 + 1;
                g.drawLine(bx + 10, ly, bx + 36, ly);
                g.setColor(Color.BLACK);
                g.drawString(lines[i], bx + 44, baseline);
            }
        }

        private void titles(String subtitle) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            FontMetrics fm = g.getFontMetrics();
            String title = "sigbridge bench: kill() to handler latency, CDF";
            g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            fm = g.getFontMetrics();
            g.setColor(new Color(0x44, 0x44, 0x44));
            g.drawString(subtitle, (WIDTH - fm.stringWidth(subtitle)) / 2, 52);
        }
    }
}
