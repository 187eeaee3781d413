//! Loss charts drawn with plotters on a `<canvas>`: one function that rebuilds the whole
//! chart from the data, sized from the canvas's CSS box times `devicePixelRatio` (crisp on
//! high-DPI screens).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::nn::metrics::IterationLosses;

/// One curve.
pub struct Series {
    pub name: &'static str,
    pub color: RGBColor,
    /// (step, loss) points in step order.
    pub points: Vec<(f64, f64)>,
}

pub const AB_COLOR: RGBColor = RGBColor(37, 99, 235);
pub const BOB_COLOR: RGBColor = RGBColor(21, 128, 61);
pub const EVE_COLOR: RGBColor = RGBColor(220, 38, 38);
pub const CHANCE_COLOR: RGBColor = RGBColor(100, 116, 139);

/// What surrounds the curves.
pub struct Axes {
    pub x_title: &'static str,
    /// The last step the run will reach (the x axis spans the whole run).
    pub x_end: f64,
    /// Bits per message: the y axis spans 0..N and chance is N/2.
    pub bits: usize,
}

/// The (iteration, loss) points of one loss of `rows` (`pick` chooses it), the values that
/// are not finite left out.
pub fn loss_points(rows: &[IterationLosses], pick: fn(&IterationLosses) -> f32) -> Vec<(f64, f64)> {
    rows.iter().map(|l| (l.iteration as f64, pick(l) as f64)).filter(|p| p.1.is_finite()).collect()
}

/// At most this many points a curve (longer runs are thinned, keeping the ends).
const MAX_POINTS: usize = 1500;

fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points.to_vec();
    }
    let stride = points.len().div_ceil(MAX_POINTS);
    let mut out: Vec<_> = points.iter().step_by(stride).copied().collect();
    if let Some(last) = points.last() {
        out.push(*last);
    }
    out
}

/// Sizes the canvas's pixel buffer to its CSS box times the device pixel ratio; returns
/// that ratio.
pub fn fit_to_screen(canvas: &HtmlCanvasElement) -> f64 {
    fit_at_least(canvas, 320, 200)
}

/// Like [`fit_to_screen`], for a box of at least `min_w` × `min_h` CSS pixels.
fn fit_at_least(canvas: &HtmlCanvasElement, min_w: i32, min_h: i32) -> f64 {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (css_w, css_h) = (canvas.client_width().max(min_w) as f64, canvas.client_height().max(min_h) as f64);
    let (w, h) = ((css_w * ratio).round() as u32, (css_h * ratio).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    ratio
}

/// The dashed chance line at `chance` bits from 0 to `x_end`: `pieces` halves dash, half gap.
fn chance_line(
    chance: f64,
    x_end: f64,
    pieces: usize,
    width: u32,
) -> impl Iterator<Item = PathElement<(f64, f64)>> {
    let dash = (x_end / pieces as f64).max(f64::MIN_POSITIVE);
    (0..pieces).step_by(2).map(move |i| {
        let a = i as f64 * dash;
        PathElement::new(vec![(a, chance), ((a + dash).min(x_end), chance)], CHANCE_COLOR.stroke_width(width))
    })
}

/// The legend box every chart of the page draws, at `position`, for a canvas scaled by
/// `ratio` (see [`fit_to_screen`]).
pub fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    ratio: f64,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(203, 213, 225))
        .label_font(("sans-serif", 13.0 * ratio).into_font())
        .draw()
        .map_err(|e| e.to_string())
}

/// Draws `series` on `canvas`, with a dashed line at chance (N/2 bits), axis titles and a
/// legend.
pub fn draw(canvas: &HtmlCanvasElement, series: &[Series], axes: &Axes) -> Result<(), String> {
    draw_over(canvas, &[], series, axes)
}

/// A curve's color faded towards white, for the curves of earlier runs.
fn faded(color: RGBColor) -> RGBColor {
    let fade = |c: u8| (c as f64 + (255.0 - c as f64) * 0.45).round() as u8;
    RGBColor(fade(color.0), fade(color.1), fade(color.2))
}

/// Like [`draw`], with `earlier` drawn first, thin and faded (one legend entry for them all).
pub fn draw_over(
    canvas: &HtmlCanvasElement,
    earlier: &[Series],
    series: &[Series],
    axes: &Axes,
) -> Result<(), String> {
    let ratio = fit_to_screen(canvas);
    let px = |v: f64| (v * ratio).round() as u32;
    // Type and the room it takes grow with the chart (a projector, full screen).
    let type_ratio = ratio * type_scale(canvas);
    let type_px = |v: f64| (v * type_ratio).round() as u32;
    let font = |size: f64| ("sans-serif", size * type_ratio).into_font();
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    // The data's range, with room above, and the chance line always in view: the losses
    // of a 16-bit run stay under about 9, and a 0..16 axis would squash them.
    let highest = earlier.iter().chain(series).flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0, f64::max);
    let y_end = (highest.max(axes.bits as f64 / 2.0) * 1.15).ceil().min(axes.bits as f64).max(1.0);
    // At least 10 steps wide, so an empty chart still has sensible whole-number ticks.
    let x_end = axes.x_end.max(10.0);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(type_px(44.0))
        .y_label_area_size(type_px(52.0))
        .build_cartesian_2d(0.0..x_end, 0.0..y_end)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(axes.x_title)
        .y_desc("bits wrong per message")
        .axis_desc_style(font(13.0))
        .label_style(font(12.0))
        .light_line_style(RGBColor(241, 245, 249))
        .x_labels(8)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(9)
        .draw()
        .map_err(|e| e.to_string())?;
    // Chance: a guesser gets half the bits wrong.
    let chance = axes.bits as f64 / 2.0;
    chart.draw_series(chance_line(chance, x_end, 60, px(1.5))).map_err(|e| e.to_string())?;
    let chance_name = format!("chance ({} bits)", axes.bits / 2);
    // A series without a name has no entry in the key (the page names it outside the chart).
    let has_legend = series.iter().any(|s| !s.name.is_empty()) || !earlier.is_empty();
    if !has_legend {
        // An empty chart has no key: the line says what it is at its right end. (With a key,
        // the key names it: the key's box sits over the line's right end.)
        let label = Text::new(
            chance_name.clone(),
            (x_end, chance),
            font(12.0).color(&CHANCE_COLOR).pos(Pos::new(HPos::Right, VPos::Bottom)),
        );
        chart.draw_series(std::iter::once(label)).map_err(|e| e.to_string())?;
    }
    for (i, s) in earlier.iter().enumerate() {
        let color = faded(s.color);
        let drawn = chart
            .draw_series(LineSeries::new(thin(&s.points), color.stroke_width(px(1.5))))
            .map_err(|e| e.to_string())?;
        if i == 0 {
            let grey = faded(CHANCE_COLOR);
            drawn
                .label("earlier runs")
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], grey.stroke_width(3)));
        }
    }
    for s in series {
        let color = s.color;
        let drawn = chart
            .draw_series(LineSeries::new(thin(&s.points), color.stroke_width(px(2.0))))
            .map_err(|e| e.to_string())?;
        if !s.name.is_empty() {
            drawn
                .label(s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3)));
        }
    }
    if has_legend {
        // The chance line's entry, last: drawn under the curves, named after them.
        let dashes = CHANCE_COLOR.stroke_width(3);
        chart
            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
            .map_err(|e| e.to_string())?
            .label(chance_name)
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (7, 0)], dashes)
                    + PathElement::new(vec![(11, 0), (18, 0)], dashes)
            });
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight, type_ratio)?;
    }
    root.present().map_err(|e| e.to_string())
}

/// How much larger than usual a chart's type is drawn: 1 up to a chart 340 CSS pixels
/// tall (the loss chart on a laptop), then growing with its height, up to 1.8 (the chart
/// on a projector, or full screen).
fn type_scale(canvas: &HtmlCanvasElement) -> f64 {
    (canvas.client_height() as f64 / 340.0).clamp(1.0, 1.8)
}

/// A small chart of `series` (one of many side by side): the chance line, light axes, no
/// titles and no legend (the page names the curves once for all).
pub fn draw_mini(canvas: &HtmlCanvasElement, series: &[Series], axes: &Axes) -> Result<(), String> {
    let ratio = fit_at_least(canvas, 120, 80);
    let px = |v: f64| (v * ratio).round() as u32;
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (x_end, y_end) = (axes.x_end.max(10.0), axes.bits.max(1) as f64);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(4.0))
        .x_label_area_size(px(16.0))
        .y_label_area_size(px(22.0))
        .build_cartesian_2d(0.0..x_end, 0.0..y_end)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style(("sans-serif", 10.0 * ratio).into_font())
        .x_labels(3)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(3)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(|e| e.to_string())?;
    let chance = axes.bits as f64 / 2.0;
    chart.draw_series(chance_line(chance, x_end, 40, px(1.0))).map_err(|e| e.to_string())?;
    for s in series {
        chart
            .draw_series(LineSeries::new(thin(&s.points), s.color.stroke_width(px(1.5))))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
