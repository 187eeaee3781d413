//! K networks of one role as one module: every weight gains a leading member dimension
//! (`[K, ...]`, burn's own layouts after it), and the forward pass is the same matrix-product
//! form as [`Network::forward`] with batched products and the kernels' member-wise fused
//! operations, so K members cost one set of operations instead of K.

use burn::module::{Module, Param};
use burn::prelude::*;

use crate::nn::kernels::{Activation, Kernels};
use crate::nn::model::{Network, OutputActivation};

/// A dense layer of every member: weight `[K, in, out]`, bias `[K, out]`.
#[derive(Module, Debug)]
pub struct StackedDense {
    weight: Param<Tensor<3>>,
    bias: Param<Tensor<2>>,
}

/// One role's networks for K members (the write-up's shape: two conv1 channels, no head).
#[derive(Module, Debug)]
pub struct StackedNetwork {
    dense: Vec<StackedDense>,
    /// `[K, 2, 1, 4]`, `[K, 2]`.
    conv1: (Param<Tensor<4>>, Param<Tensor<2>>),
    /// `[K, 4, 2, 2]`, `[K, 4]`.
    conv2: (Param<Tensor<4>>, Param<Tensor<2>>),
    /// `[K, 4, 4, 1]`, `[K, 4]`.
    conv3: (Param<Tensor<4>>, Param<Tensor<2>>),
    /// `[K, 1, 4, 1]`, `[K, 1]`.
    conv4: (Param<Tensor<4>>, Param<Tensor<2>>),
    #[module(skip)]
    output: OutputActivation,
}

fn stack<const D: usize, const E: usize>(parts: Vec<Tensor<D>>) -> Param<Tensor<E>> {
    Param::from_tensor(Tensor::stack(parts, 0).detach())
}

fn bias(b: &Option<Param<Tensor<1>>>) -> Tensor<1> {
    b.as_ref().expect("every layer has a bias").val()
}

/// Member `k` of a stacked parameter, in the member's own shape `dims`.
fn member<const E: usize, const D: usize>(
    stacked: &Param<Tensor<E>>,
    k: usize,
    dims: [usize; D],
) -> Param<Tensor<D>> {
    Param::from_tensor(stacked.val().narrow(0, k, 1).reshape(dims).detach())
}

impl StackedNetwork {
    /// The members' networks (all of one role and shape) stacked in order.
    pub fn stack(members: &[&Network]) -> Self {
        let first = members[0];
        let dense = (0..first.dense.len())
            .map(|i| StackedDense {
                weight: stack(members.iter().map(|m| m.dense[i].weight.val()).collect()),
                bias: stack(members.iter().map(|m| bias(&m.dense[i].bias)).collect()),
            })
            .collect();
        let conv = |layer: fn(&Network) -> &burn::nn::conv::Conv1d| {
            (
                stack(members.iter().map(|m| layer(m).weight.val()).collect()),
                stack(members.iter().map(|m| bias(&layer(m).bias)).collect()),
            )
        };
        Self {
            dense,
            conv1: conv(|m| &m.conv1),
            conv2: conv(|m| &m.conv2),
            conv3: conv(|m| &m.conv3),
            conv4: conv(|m| &m.conv4),
            output: first.output,
        }
    }

    /// Member `k` as a network of its own, written into a copy of `template` (a network of
    /// the same role and shape).
    pub fn member(&self, k: usize, template: &Network) -> Network {
        let mut net = template.clone();
        for (layer, stacked) in net.dense.iter_mut().zip(&self.dense) {
            layer.weight = member(&stacked.weight, k, layer.weight.val().dims());
            layer.bias = Some(member(&stacked.bias, k, [stacked.bias.val().dims()[1]]));
        }
        let convs = [
            (&mut net.conv1, &self.conv1),
            (&mut net.conv2, &self.conv2),
            (&mut net.conv3, &self.conv3),
            (&mut net.conv4, &self.conv4),
        ];
        for (layer, (w, b)) in convs {
            layer.weight = member(w, k, layer.weight.val().dims());
            layer.bias = Some(member(b, k, [b.val().dims()[1]]));
        }
        net.output = self.output;
        net
    }

    /// Every member's network on its own rows: `[K, batch, in]` -> `[K, batch, N]`, through
    /// the same matrix-product form as [`Network::forward`] with batched products.
    pub fn forward(&self, input: Tensor<3>, kernels: &Kernels) -> Tensor<3> {
        let [k, batch, _] = input.dims();
        let tanh = Activation::Tanh;
        let x = self
            .dense
            .iter()
            .fold(input, |x, layer| kernels.dense_members(x, layer.weight.val(), layer.bias.val(), tanh)); // [K, batch, 2N]
        let n = x.dims()[2] / 2;
        let x = kernels.conv1_members(x, self.conv1.0.val(), self.conv1.1.val()); // [K, batch·N, 4]
        // conv2 (kernel 2, stride 2): [K, out, in, tap] -> [K, (tap, in), out].
        let w2 = self.conv2.0.val().permute([0, 3, 2, 1]).reshape([k, 4, 4]);
        let x = kernels.mix_members(x, w2, self.conv2.1.val(), tanh); // [K, batch·N, 4]
        let w3 = self.conv3.0.val().reshape([k, 4, 4]).swap_dims(1, 2);
        let x = kernels.mix_members(x, w3, self.conv3.1.val(), tanh); // [K, batch·N, 4]
        let w4 = self.conv4.0.val().reshape([k, 1, 4]).swap_dims(1, 2);
        let z = kernels.mix_members(x, w4, self.conv4.1.val(), self.output.activation()); // [K, batch·N, 1]
        z.reshape([k, batch, n]) // [K, batch, N]
    }
}
