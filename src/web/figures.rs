//! The "inside the cipher" pictures drawn with plotters on a `<canvas>`: grouped bars (per
//! bit, with a dashed reference line) and a heat map (a grid of shares, coloured apart from
//! an ideal value). Sized like the loss charts: CSS box times `devicePixelRatio`.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::web::chart::{CHANCE_COLOR, draw_legend, fit_to_screen};

/// One coloured set of bars: one value per x position.
pub struct Bars {
    pub name: &'static str,
    pub color: RGBColor,
    pub values: Vec<f64>,
}

/// What surrounds a bar chart.
pub struct BarAxes {
    pub x_title: &'static str,
    pub y_title: &'static str,
    /// The y axis spans 0..y_end.
    pub y_end: f64,
    /// A dashed reference line and its label (chance, the ideal).
    pub reference: Option<(f64, String)>,
    /// The label under each x position.
    pub x_labels: Vec<String>,
}

type Area<'a> = DrawingArea<CanvasBackend, Shift>;

fn area(canvas: &HtmlCanvasElement) -> Result<(Area<'static>, f64), String> {
    let ratio = fit_to_screen(canvas);
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok((root, ratio))
}

/// Grouped bars: at each x position, one bar per series side by side.
pub fn bars(canvas: &HtmlCanvasElement, series: &[Bars], axes: &BarAxes) -> Result<(), String> {
    let (root, ratio) = area(canvas)?;
    let px = |v: f64| (v * ratio).round() as u32;
    let font = |size: f64| ("sans-serif", size * ratio).into_font();
    let n = axes.x_labels.len().max(1);
    let labels = axes.x_labels.clone();
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(44.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(0.0..n as f64, 0.0..axes.y_end)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(axes.x_title)
        .y_desc(axes.y_title)
        .axis_desc_style(font(13.0))
        .label_style(font(12.0))
        .light_line_style(RGBColor(241, 245, 249))
        .x_labels(n * 2 + 1)
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            let centred = (x - x.floor() - 0.5).abs() < 1e-6;
            if centred { labels.get(i).cloned().unwrap_or_default() } else { String::new() }
        })
        .y_labels(6)
        .draw()
        .map_err(|e| e.to_string())?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let color = s.color;
        let rects = s.values.iter().enumerate().map(move |(i, &v)| {
            let x0 = i as f64 + 0.1 + k as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width * 0.92, v)], color.filled())
        });
        chart
            .draw_series(rects)
            .map_err(|e| e.to_string())?
            .label(s.name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    if let Some((at, label)) = &axes.reference {
        let dash = n as f64 / 60.0;
        let dashes = (0..60).step_by(2).map(|i| {
            let a = i as f64 * dash;
            PathElement::new(vec![(a, *at), (a + dash, *at)], CHANCE_COLOR.stroke_width(px(1.5)))
        });
        chart.draw_series(dashes).map_err(|e| e.to_string())?;
        // The label sits in the top right corner, clear of the bars.
        let text = Text::new(
            format!("dashed: {label}"),
            (n as f64, axes.y_end),
            font(12.0).color(&CHANCE_COLOR).pos(Pos::new(HPos::Right, VPos::Top)),
        );
        chart.draw_series(std::iter::once(text)).map_err(|e| e.to_string())?;
    }
    if series.len() > 1 {
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, ratio)?;
    }
    root.present().map_err(|e| e.to_string())
}

/// What a heat map shows.
pub struct HeatMap<'a> {
    pub title: &'a str,
    pub x_title: &'a str,
    pub y_title: &'a str,
    /// `rows × cols` shares in 0..1, row-major.
    pub values: &'a [f64],
    pub rows: usize,
    pub cols: usize,
    /// The value drawn white; less is blue, more is red.
    pub ideal: f64,
}

/// Blue below `ideal`, white at it, red above.
fn diverging(value: f64, ideal: f64) -> RGBColor {
    let mix = |from: (f64, f64, f64), t: f64| {
        let c = |a: f64| (255.0 + (a - 255.0) * t.clamp(0.0, 1.0)).round() as u8;
        RGBColor(c(from.0), c(from.1), c(from.2))
    };
    if value < ideal {
        mix((37.0, 99.0, 235.0), (ideal - value) / ideal.max(1e-9))
    } else {
        mix((220.0, 38.0, 38.0), (value - ideal) / (1.0 - ideal).max(1e-9))
    }
}

/// A grid of coloured cells with a colour key from 0 to 1.
pub fn heat_map(canvas: &HtmlCanvasElement, map: &HeatMap) -> Result<(), String> {
    let (root, ratio) = area(canvas)?;
    let px = |v: f64| (v * ratio).round() as u32;
    let font = |size: f64| ("sans-serif", size * ratio).into_font();
    let (plot, key) = root.split_horizontally(root.dim_in_pixel().0 - px(70.0));
    let mut chart = ChartBuilder::on(&plot)
        .caption(map.title, font(14.0))
        .margin(px(8.0))
        .x_label_area_size(px(40.0))
        .y_label_area_size(px(44.0))
        .build_cartesian_2d(0..map.cols, 0..map.rows)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(map.x_title)
        .y_desc(map.y_title)
        .axis_desc_style(font(12.0))
        .label_style(font(11.0))
        .x_labels(map.cols.min(8) + 1)
        .y_labels(map.rows.min(8) + 1)
        .draw()
        .map_err(|e| e.to_string())?;
    let cells = (0..map.rows).flat_map(|r| (0..map.cols).map(move |c| (r, c))).map(|(r, c)| {
        let v = map.values.get(r * map.cols + c).copied().unwrap_or(f64::NAN);
        Rectangle::new([(c, r), (c + 1, r + 1)], diverging(v, map.ideal).filled())
    });
    chart.draw_series(cells).map_err(|e| e.to_string())?;
    // The colour key: 0 at the bottom, 1 at the top, the ideal marked.
    let mut scale = ChartBuilder::on(&key)
        .margin_top(px(30.0))
        .margin_bottom(px(40.0))
        .margin_right(px(8.0))
        .y_label_area_size(px(36.0))
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(|e| e.to_string())?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(3)
        .y_label_formatter(&|y| format!("{y:.1}"))
        .label_style(font(11.0))
        .draw()
        .map_err(|e| e.to_string())?;
    let steps = 50;
    let strips = (0..steps).map(|i| {
        let (a, b) = (i as f64 / steps as f64, (i + 1) as f64 / steps as f64);
        Rectangle::new([(0.0, a), (1.0, b)], diverging((a + b) / 2.0, map.ideal).filled())
    });
    scale.draw_series(strips).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}
