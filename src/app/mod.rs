//! Plain logic behind the page and the command line, natively tested: the training form,
//! loss reports, the "inside the cipher" views, the engine protocol. No web type. (What
//! only the command line uses lives with it, in `src/bin/anc/`.)

pub mod backend;
pub mod bits;
pub mod cipher_views;
pub mod engine_protocol;
pub mod form;
pub mod kept_population;
pub mod kept_run;
pub mod key_reuse;
pub mod link_model;
pub mod pad_view;
pub mod population_results;
pub mod report;
pub mod strength;
pub mod unposted;
