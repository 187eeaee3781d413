//! The fast paths (matrix-product convolutions; on the CPU the fused host operations with
//! their own backward passes) compute the same function and the same gradients as burn's
//! own `Conv1d`, `Linear`, `tanh` and `sigmoid`.

use anc::nn::kernels::{Implementation, Kernels};
use anc::nn::model::{CipherConfig, Network, OutputActivation, Role};
use burn::prelude::*;
use burn::tensor::TensorData;
use rand::{Rng, SeedableRng, rngs::SmallRng};

fn device() -> Device {
    Device::flex().autodiff()
}

fn random_input(rows: usize, cols: usize, seed: u64, device: &Device) -> Tensor<2> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let v: Vec<f32> = (0..rows * cols).map(|_| rng.random_range(-1.0..1.0)).collect();
    Tensor::from_data(TensorData::new(v, [rows, cols]), device)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Each gradient of `fast` within 5e-5 of the largest entry (at least 1) of the same
/// gradient of `reference`.
fn assert_grads_close(label: &str, fast: &[Vec<f32>], reference: &[Vec<f32>]) {
    assert_eq!(fast.len(), reference.len(), "{label}: as many gradients");
    for (i, (f, r)) in fast.iter().zip(reference).enumerate() {
        let scale = r.iter().fold(1.0f32, |m, v| m.max(v.abs()));
        let d = max_diff(f, r);
        assert!(d <= 5e-5 * scale, "{label} gradient {i} differs by {d} (scale {scale})");
    }
}

/// Every parameter's gradient of `sum(output · probe)` for one network, flattened.
fn param_grads(net: &Network, output: Tensor<2>, probe: Tensor<2>) -> Vec<Vec<f32>> {
    let grads = (output * probe).sum().backward();
    let mut all = Vec::new();
    for layer in net.dense.iter().chain(net.head.iter()) {
        all.push(values(layer.weight.val().grad(&grads).unwrap()));
        all.push(values(layer.bias.as_ref().unwrap().val().grad(&grads).unwrap()));
    }
    for conv in [&net.conv1, &net.conv2, &net.conv3, &net.conv4] {
        all.push(values(conv.weight.val().grad(&grads).unwrap()));
        all.push(values(conv.bias.as_ref().unwrap().val().grad(&grads).unwrap()));
    }
    all
}

fn check_network(config: CipherConfig, role: Role, implementation: Implementation) {
    check_network_on(&device(), config, role, kernels(implementation, false));
}

/// Like [`check_network`] with conv1 widened to `channels` output channels (conv2 and conv3
/// to twice as many): the kernels take any even count, though the networks use 2.
fn check_wide_network(channels: usize, role: Role, implementation: Implementation) {
    check_shaped_on(&device(), CipherConfig::new(), Some(channels), role, kernels(implementation, false));
}

/// `net`'s convolutions rebuilt with conv1 at `c` output channels (burn's initialiser).
fn widen(net: &mut Network, c: usize, device: &Device) {
    use burn::nn::PaddingConfig1d;
    use burn::nn::conv::Conv1dConfig;
    net.conv1 = Conv1dConfig::new(1, c, 4).with_padding(PaddingConfig1d::Explicit(1, 2)).init(device);
    net.conv2 = Conv1dConfig::new(c, 2 * c, 2).with_stride(2).init(device);
    net.conv3 = Conv1dConfig::new(2 * c, 2 * c, 1).init(device);
    net.conv4 = Conv1dConfig::new(2 * c, 1, 1).init(device);
}

/// Builds the kernels a check runs: `implementation`, with the dense layers fused or not (on
/// CPU devices; [`Kernels::dense`]).
fn kernels(implementation: Implementation, fused_dense: bool) -> impl Fn(usize, &Device) -> Kernels {
    move |bits, device| {
        Kernels::with_implementation(bits, device, implementation).with_fused_dense(fused_dense)
    }
}

fn check_network_on(
    device: &Device,
    config: CipherConfig,
    role: Role,
    kernels: impl Fn(usize, &Device) -> Kernels,
) {
    check_shaped_on(device, config, None, role, kernels)
}

fn check_shaped_on(
    device: &Device,
    config: CipherConfig,
    channels: Option<usize>,
    role: Role,
    kernels: impl Fn(usize, &Device) -> Kernels,
) {
    let device = device.clone();
    let n = config.bits;
    let mut rng = SmallRng::seed_from_u64(3);
    let mut net = config.init_network(role, &mut rng, &device);
    if let Some(c) = channels {
        widen(&mut net, c, &device);
    }
    // Non-zero biases, so the bias paths are exercised too.
    for conv in [&mut net.conv1, &mut net.conv2, &mut net.conv3, &mut net.conv4] {
        let len = conv.bias.as_ref().unwrap().val().dims()[0];
        let b = random_input(1, len, 9, &device).reshape([len]);
        conv.bias = Some(burn::module::Param::from_tensor(b));
    }
    let inputs = if role == Role::Eve { n } else { 2 * n };
    let x = random_input(64, inputs, 5, &device);
    let probe = random_input(64, n, 7, &device);
    let fast = net.forward(x.clone(), &kernels(n, &device));
    let reference = net.forward_reference(x);
    assert_eq!(fast.dims(), [64, n]);
    let out_diff = max_diff(&values(fast.clone()), &values(reference.clone()));
    assert!(out_diff < 2e-6, "{role:?} outputs differ by {out_diff}");

    let fast_grads = param_grads(&net, fast, probe.clone());
    assert_grads_close(&format!("{role:?}"), &fast_grads, &param_grads(&net, reference, probe));
}

#[test]
fn matmul_convolutions_match_burn_conv1d_outputs_and_gradients() {
    for role in [Role::Alice, Role::Bob, Role::Eve] {
        check_network(CipherConfig::new(), role, Implementation::Burn);
    }
    // Wider convolutions: conv1 runs as two and three pairs of channels.
    for channels in [4, 6] {
        for role in [Role::Alice, Role::Bob, Role::Eve] {
            check_wide_network(channels, role, Implementation::Burn);
        }
    }
}

/// An autodiff wgpu device, where this build has the backend and the machine an adapter
/// (lavapipe will do: `apt-get install mesa-vulkan-drivers libvulkan1`).
#[cfg(feature = "wgpu")]
fn wgpu_device() -> Option<Device> {
    match Device::wgpu_options().init() {
        Ok(device) => Some(device.autodiff()),
        Err(_) => {
            eprintln!("no wgpu adapter: skipped");
            None
        }
    }
}

/// The networks the wgpu tests check: each role, the proof-of-concept shape (an extra dense
/// layer, a tanh output), and conv1 as two and three pairs of channels.
#[cfg(feature = "wgpu")]
fn wgpu_cases() -> Vec<(CipherConfig, Option<usize>, Role)> {
    let poc = CipherConfig::new().with_bits(8).with_extra_dense(true).with_ciphertext(OutputActivation::Tanh);
    let mut cases: Vec<_> =
        [Role::Alice, Role::Bob, Role::Eve].map(|role| (CipherConfig::new(), None, role)).into();
    cases.push((poc, None, Role::Bob));
    for channels in [4, 6] {
        cases.push((CipherConfig::new(), Some(channels), Role::Alice));
    }
    cases
}

/// Built with `--features wgpu` on a machine with an adapter: burn's path on the GPU
/// backend too.
#[cfg(feature = "wgpu")]
#[test]
fn matmul_convolutions_match_burn_conv1d_on_wgpu() {
    let Some(device) = wgpu_device() else { return };
    for (config, channels, role) in wgpu_cases() {
        check_shaped_on(&device, config, channels, role, kernels(Implementation::Burn, false));
    }
}

#[test]
fn host_activations_match_burn_outputs_and_gradients() {
    for role in [Role::Alice, Role::Bob, Role::Eve] {
        check_network(CipherConfig::new(), role, Implementation::Host);
    }
    let poc = CipherConfig::new().with_bits(8).with_extra_dense(true).with_ciphertext(OutputActivation::Tanh);
    for role in [Role::Alice, Role::Bob, Role::Eve] {
        check_network(poc.clone(), role, Implementation::Host);
    }
    // The dense layers as fused operations (the page's way: their blocked loops at 32 -> 32,
    // 16 -> 32 and, 32 bits, 64 -> 64 and 32 -> 64; the fixed-size loop at the 8-bit
    // preset's 16 -> 16).
    let dense_cases = [CipherConfig::new(), CipherConfig::new().with_bits(32), poc.clone()];
    for (config, role) in dense_cases.iter().flat_map(|c| [Role::Alice, Role::Bob, Role::Eve].map(|r| (c, r)))
    {
        check_network_on(&device(), config.clone(), role, kernels(Implementation::Host, true));
    }
    // The fused channel mixing at other sizes: 8 channels (a fixed-size loop) and 12 (the
    // general loop).
    for channels in [4, 6] {
        for role in [Role::Alice, Role::Bob, Role::Eve] {
            check_wide_network(channels, role, Implementation::Host);
        }
    }
}

#[test]
fn host_tanh_and_sigmoid_are_accurate_everywhere() {
    let xs: Vec<f32> = (-4000..=4000).map(|i| i as f32 / 200.0).collect();
    let mut t = xs.clone();
    anc::nn::kernels::tanh_in_place(&mut t);
    let mut s = xs.clone();
    anc::nn::kernels::sigmoid_in_place(&mut s);
    for ((x, t), s) in xs.iter().zip(&t).zip(&s) {
        let x = *x as f64;
        assert!((*t as f64 - x.tanh()).abs() < 1e-6, "tanh({x})");
        assert!((*s as f64 - 1.0 / (1.0 + (-x).exp())).abs() < 1e-6, "sigmoid({x})");
    }
}

#[test]
fn the_fast_path_is_chosen_on_the_cpu_backend() {
    assert_eq!(Kernels::for_device(16, &Device::flex()).implementation(), Implementation::Host);
    assert_eq!(Kernels::for_device(16, &device()).implementation(), Implementation::Host);
}

/// Every float parameter's gradient of a module, flattened, in visiting order.
struct GradsOf<'a>(&'a burn::tensor::Gradients, Vec<Vec<f32>>);

impl burn::module::ModuleVisitor for GradsOf<'_> {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
        self.1.push(values(param.val().grad(self.0).expect("every parameter has a gradient")));
    }
}

#[test]
fn stacked_members_match_on_burn_and_host_paths() {
    // Burn's path runs the members' channel mixing as block-diagonal batched products; the
    // host path as the fused per-member operations. Same outputs and gradients.
    stacked_members_match(&device(), kernels(Implementation::Host, false));
    stacked_members_match(&device(), kernels(Implementation::Host, true));
}

fn stacked_members_match(device: &Device, fast: impl Fn(usize, &Device) -> Kernels) {
    let device = device.clone();
    let config = CipherConfig::new();
    let n = config.bits;
    let members: Vec<Network> = (0..3)
        .map(|seed| config.init_network(Role::Alice, &mut SmallRng::seed_from_u64(seed), &device))
        .collect();
    let stacked = anc::nn::population::StackedNetwork::stack(&members.iter().collect::<Vec<_>>());
    let x = random_input(3 * 64, 2 * n, 5, &device).reshape([3, 64, 2 * n]);
    let probe = random_input(3 * 64, n, 7, &device).reshape([3, 64, n]);
    let run = |kernels: Kernels| {
        let out = stacked.forward(x.clone(), &kernels);
        let grads = (out.clone() * probe.clone()).sum().backward();
        let mut visitor = GradsOf(&grads, Vec::new());
        stacked.visit(&mut visitor);
        (values(out), visitor.1)
    };
    let reference = run(Kernels::with_implementation(n, &device, Implementation::Burn));
    let ((burn_out, burn_grads), (fast_out, fast_grads)) = (reference, run(fast(n, &device)));
    assert!(max_diff(&burn_out, &fast_out) < 2e-6);
    assert_grads_close("member", &fast_grads, &burn_grads);
}

#[test]
fn alice_then_bob_match_on_burn_and_host_paths() {
    // Bob reads Alice's ciphertext beside the key, as in training: the gradient reaching
    // Alice's last fused operation is a view into the gradient of the joined input (the
    // host path writes gradients in place, so it must copy such a view, not overwrite it).
    alice_then_bob_match(&device(), kernels(Implementation::Host, false));
    alice_then_bob_match(&device(), kernels(Implementation::Host, true));
}

fn alice_then_bob_match(device: &Device, fast: impl Fn(usize, &Device) -> Kernels) {
    let device = device.clone();
    let config = CipherConfig::new();
    let n = config.bits;
    let mut rng = SmallRng::seed_from_u64(11);
    let alice = config.init_network(Role::Alice, &mut rng, &device);
    let bob = config.init_network(Role::Bob, &mut rng, &device);
    let x = random_input(64, 2 * n, 5, &device);
    let keys = random_input(64, n, 6, &device);
    let probe = random_input(64, n, 7, &device);
    let run = |kernels: Kernels| {
        let ciphertext = alice.forward(x.clone(), &kernels);
        let out = bob.forward(Tensor::cat(vec![ciphertext, keys.clone()], 1), &kernels);
        let grads = (out.clone() * probe.clone()).sum().backward();
        let mut visitor = GradsOf(&grads, Vec::new());
        alice.visit(&mut visitor);
        bob.visit(&mut visitor);
        (values(out), visitor.1)
    };
    let reference = run(Kernels::with_implementation(n, &device, Implementation::Burn));
    let ((burn_out, burn_grads), (fast_out, fast_grads)) = (reference, run(fast(n, &device)));
    assert!(max_diff(&burn_out, &fast_out) < 2e-6);
    assert_grads_close("alice then bob", &fast_grads, &burn_grads);
}

/// Built with `--features wgpu` on a machine with an adapter: the fused GPU kernels
/// (`src/nn/kernels/gpu.rs`) are what a wgpu device runs, and they compute what burn's own
/// ops do, outputs and gradients, for single networks, stacked members and Alice feeding Bob.
#[cfg(feature = "wgpu")]
#[test]
fn gpu_kernels_match_burn_on_wgpu() {
    let Some(device) = wgpu_device() else { return };
    assert_eq!(Kernels::for_device(16, &device).implementation(), Implementation::Gpu);
    for (config, channels, role) in wgpu_cases() {
        check_shaped_on(&device, config, channels, role, kernels(Implementation::Gpu, false));
    }
    stacked_members_match(&device, kernels(Implementation::Gpu, false));
    alice_then_bob_match(&device, kernels(Implementation::Gpu, false));
}
