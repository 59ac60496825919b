package io.inferrouter.admin.whatif;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The profiles' TTFT distributions side by side, as one SVG: a CDF per profile (and the recorded one). */
public final class WhatIfPlot {

    private static final String[] COLORS = {"#2457c5", "#c0392b", "#1e7d32", "#8e44ad", "#d68910", "#138d90",
        "#7f8c8d", "#a04000"};

    private WhatIfPlot() {
    }

    public static String ttftCdf(WhatIf.Report report) {
        List<String> names = new ArrayList<>();
        List<List<double[]>> curves = new ArrayList<>();
        if (report.recordedTtftMs() != null) {
            names.add("recorded");
            curves.add(WhatIfJson.quantiles(report.arrivals().recordedTtftMs()));
        }
        for (ReplayResult r : report.replays()) {
            names.add(r.profile());
            curves.add(WhatIfJson.quantiles(r.outcomes().stream().filter(RequestOutcome::measured)
                    .mapToDouble(RequestOutcome::ttftMs).toArray()));
        }
        double max = 1e-9;
        for (List<double[]> c : curves) {
            // The 99th percentile bounds the x axis, so one outlier does not squash the rest.
            for (double[] p : c) {
                if (p[0] <= 0.99) {
                    max = Math.max(max, p[1]);
                }
            }
        }
        int w = 640;
        int h = 360;
        int l = 56;
        int r = 150;
        int t = 30;
        int b = 40;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", w, h));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>%n", w, h));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">TTFT distribution per profile"
                + " (what-if replay in virtual time)</text>%n", l));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
                l, h - b, w - r, h - b));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>%n",
                l, t, l, h - b));
        for (int i = 0; i <= 4; i++) {
            double q = i / 4.0;
            double y = t + (1 - q) * (h - t - b);
            double x = l + q * (w - l - r);
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f%%</text>%n",
                    l - 4, y + 4, 100 * q));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n",
                    x, h - b + 14, q * max));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">TTFT ms</text>%n",
                (l + w - r) / 2, h - 6));
        for (int c = 0; c < curves.size(); c++) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : curves.get(c)) {
                double x = l + Math.min(1, p[1] / max) * (w - l - r);
                double y = t + (1 - p[0]) * (h - t - b);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String color = COLORS[c % COLORS.length];
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s"
                    + " points=\"%s\"/>%n", color, names.get(c).equals("recorded") ? " stroke-dasharray=\"5,3\"" : "",
                    pts.toString().trim()));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", w - r + 12, t + 18 * c, color, w - r + 30, t + 18 * c + 10,
                    escape(names.get(c))));
        }
        return s.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
