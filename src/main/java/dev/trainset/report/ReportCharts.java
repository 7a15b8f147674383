package dev.trainset.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * The charts of report.html: bar charts drawn by JFreeChart onto JFreeSVG's SVG canvas, so each
 * chart is an SVG element inlined in the page (no script, no network). Text in a chart (split,
 * stratum and reason names) is escaped by JFreeSVG as XML.
 */
final class ReportCharts {
  /** Bars in the order of the series (splits, stages). */
  private static final Paint[] PALETTE = {
      new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B), new Color(0xE45756),
      new Color(0x72B7B2), new Color(0xB279A2), new Color(0xEECA3B), new Color(0x9D755D)};

  private static final String FONT = "SansSerif";

  private ReportCharts() {}

  /** How a chart is laid out. */
  enum Layout {
    /** One bar per category and series, side by side, up the page. */
    COLUMNS,
    /** One bar per category across the page, the series stacked in it. */
    STACKED_ROWS
  }

  /**
   * An SVG bar chart of {@code data} (rows are the series, columns the categories); {@code id}
   * names the SVG element and prefixes its definitions, so several charts live in one page.
   */
  static String bars(String id, DefaultCategoryDataset data, Layout layout, String categoryLabel,
      String valueLabel, int width, int height) {
    JFreeChart chart = layout == Layout.COLUMNS
        ? ChartFactory.createBarChart(null, categoryLabel, valueLabel, data,
            PlotOrientation.VERTICAL, data.getRowCount() > 1, false, false)
        : ChartFactory.createStackedBarChart(null, categoryLabel, valueLabel, data,
            PlotOrientation.HORIZONTAL, data.getRowCount() > 1, false, false);
    theme().apply(chart);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setOutlineVisible(false);
    // The values' axis below the bars in both layouts.
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
    plot.setRangeGridlinePaint(new Color(0xDDDDDD));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setInsets(new RectangleInsets(8, 4, 4, 12));
    NumberAxis values = (NumberAxis) plot.getRangeAxis();
    values.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    values.setAxisLineVisible(false);
    CategoryAxis categories = plot.getDomainAxis();
    categories.setCategoryMargin(layout == Layout.COLUMNS ? 0.15 : 0.3);
    categories.setLowerMargin(0.01);
    categories.setUpperMargin(0.01);
    categories.setMaximumCategoryLabelLines(2);
    if (layout == Layout.COLUMNS && data.getColumnCount() > 12) {
      categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    renderer.setItemMargin(0.02);
    renderer.setMaximumBarWidth(layout == Layout.COLUMNS ? 0.12 : 0.5);
    if (chart.getLegend() != null) {
      chart.getLegend().setFrame(BlockBorder.NONE);
    }
    SVGGraphics2D svg = new SVGGraphics2D(width, height);
    svg.setDefsKeyPrefix(id + "-");
    chart.draw(svg, new Rectangle(0, 0, width, height));
    return svg.getSVGElement(id, true, new ViewBox(0, 0, width, height), null, null);
  }

  private static StandardChartTheme theme() {
    StandardChartTheme theme = new StandardChartTheme("trainset");
    theme.setExtraLargeFont(new Font(FONT, Font.BOLD, 16));
    theme.setLargeFont(new Font(FONT, Font.BOLD, 13));
    theme.setRegularFont(new Font(FONT, Font.PLAIN, 12));
    theme.setSmallFont(new Font(FONT, Font.PLAIN, 11));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setLegendBackgroundPaint(Color.WHITE);
    theme.setAxisLabelPaint(new Color(0x444444));
    theme.setTickLabelPaint(new Color(0x444444));
    theme.setBarPainter(new StandardBarPainter());
    theme.setShadowVisible(false);
    theme.setDrawingSupplier(new DefaultDrawingSupplier(PALETTE,
        DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE,
        DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE));
    return theme;
  }
}
