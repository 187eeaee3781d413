//! Networks moved to another device by reading their weights back: a browser cannot block
//! on a GPU read, so a model trained on WebGPU reaches the CPU (for the message form, for a
//! file) as a [`Pending`] read asynchronously, and is rebuilt there.

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::nn::model::{Network, Networks};
use crate::nn::pending::Pending;

/// Collects every float parameter, flattened, in the module's visiting order.
struct Collect(Vec<Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let t = param.val();
        let n = t.shape().num_elements();
        self.0.push(t.reshape([n]));
    }
}

/// Replaces every float parameter, in the same order, by the read values on `device`.
struct Rebuild<'a> {
    values: std::vec::IntoIter<Vec<f32>>,
    device: &'a Device,
}

impl ModuleMapper for Rebuild<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let values = self.values.next().expect("one read per parameter");
        let device = self.device.clone();
        param.map(move |t| {
            let shape = t.shape();
            Tensor::from_data(TensorData::new(values, shape), &device)
        })
    }
}

/// Every float parameter of `net`, flattened, in visiting order.
fn parameters(net: &Network) -> Vec<Tensor<1>> {
    let mut collect = Collect(Vec::new());
    net.visit(&mut collect);
    collect.0
}

/// Alice, Bob and Eve copied onto `device` (values only, no autodiff history), once their
/// weights are read back.
pub fn networks_to(ciphers: &Networks, device: &Device) -> Pending<Networks> {
    let Networks { alice, bob, eve } = ciphers.valid();
    let counts = [&alice, &bob, &eve].map(|net| parameters(net).len());
    let tensors = [&alice, &bob, &eve].into_iter().flat_map(parameters).collect();
    let device = device.clone();
    Pending::new(tensors, move |values| {
        let mut values = values.into_iter();
        let mut rebuild = |net: Network, count: usize| {
            let mine: Vec<Vec<f32>> = values.by_ref().take(count).collect();
            net.map(&mut Rebuild { values: mine.into_iter(), device: &device })
        };
        let alice = rebuild(alice, counts[0]);
        let bob = rebuild(bob, counts[1]);
        Networks { alice, bob, eve: rebuild(eve, counts[2]) }
    })
}
