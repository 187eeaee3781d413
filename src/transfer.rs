//! Networks moved to another device with asynchronous reads: a browser cannot block on a
//! GPU read, so a model trained on WebGPU reaches the CPU (for the message form, for a
//! file) by reading every weight with `into_data_async` and rebuilding the networks there.

use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use burn::tensor::TensorData;

use crate::model::{Ciphers, Network};

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

async fn network_to(net: &Network, device: &Device) -> Result<Network, String> {
    let mut collect = Collect(Vec::new());
    net.visit(&mut collect);
    let mut values = Vec::with_capacity(collect.0.len());
    for t in collect.0 {
        let data = t.into_data_async().await.map_err(|e| e.to_string())?;
        values.push(data.convert::<f32>().try_into_vec::<f32>().map_err(|e| format!("{e:?}"))?);
    }
    Ok(net.clone().map(&mut Rebuild { values: values.into_iter(), device }))
}

/// Copies Alice, Bob and Eve onto `device` (values only, no autodiff history), reading
/// the weights asynchronously.
pub async fn ciphers_to_device(ciphers: &Ciphers, device: &Device) -> Result<Ciphers, String> {
    Ok(Ciphers {
        alice: network_to(&ciphers.alice.valid(), device).await?,
        bob: network_to(&ciphers.bob.valid(), device).await?,
        eve: network_to(&ciphers.eve.valid(), device).await?,
    })
}
