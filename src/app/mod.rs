//! Plain logic behind the page and the command line, natively tested: the training form,
//! loss reports, sweep tables and the "inside the cipher" views. No web type.

pub mod backend;
pub mod bits;
pub mod cipher_views;
pub mod engine_protocol;
pub mod form;
pub mod kept_population;
pub mod kept_run;
pub mod population_results;
pub mod report;
pub mod strength;
pub mod sweep;
pub mod sweep_grid;
pub mod sweep_lines;
pub mod unposted;
