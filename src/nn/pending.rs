//! Values computed on a device and read back later: losses of a slice of training,
//! evaluation outputs, ciphertexts, a network's weights. One type for all of them, read
//! synchronously natively ([`Pending::read`]) or asynchronously in a browser
//! ([`Pending::read_async`], where a WebGPU device cannot block), with one error type.

use burn::prelude::*;

/// Why values could not be read back from the device.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// The device failed (a lost WebGPU device, say); its message.
    #[error("the device failed: {0}")]
    Device(String),
    /// The values were not 32-bit floats.
    #[error("the device returned values of another type: {0}")]
    DataType(String),
}

impl ReadError {
    /// What went wrong, in a few words: burn's device errors nest ("… Caused by: …
    /// Backtrace: …"), so a device error keeps its innermost cause.
    pub fn cause(&self) -> String {
        let ReadError::Device(error) = self else { return self.to_string() };
        let before_backtrace = error.split("Backtrace:").next().unwrap_or(error);
        let cause = before_backtrace.rsplit("Caused by:").map(str::trim).find(|c| !c.is_empty());
        cause.unwrap_or(error).to_string()
    }
}

/// Turns the floats read back (one list per tensor, in order) into the value.
type Finish<T> = Box<dyn FnOnce(Vec<Vec<f32>>) -> T>;

/// A value of `T` computed from tensors still on the device.
#[must_use = "values stay on the device until read"]
pub struct Pending<T> {
    tensors: Vec<Tensor<1>>,
    finish: Finish<T>,
}

impl<T: 'static> Pending<T> {
    /// The value `finish` makes of the floats of `tensors` (flattened, read in order).
    pub fn new<const D: usize>(
        tensors: Vec<Tensor<D>>,
        finish: impl FnOnce(Vec<Vec<f32>>) -> T + 'static,
    ) -> Self {
        let tensors = tensors
            .into_iter()
            .map(|t| {
                let n = t.shape().num_elements();
                t.reshape([n])
            })
            .collect();
        Self { tensors, finish: Box::new(finish) }
    }

    /// The value `finish` makes of the floats of one tensor.
    pub fn of<const D: usize>(tensor: Tensor<D>, finish: impl FnOnce(Vec<f32>) -> T + 'static) -> Self {
        Self::new(vec![tensor], move |mut all| finish(all.pop().expect("one tensor")))
    }

    /// A value that needs nothing from the device.
    pub fn ready(value: T) -> Self {
        Self { tensors: Vec::new(), finish: Box::new(move |_| value) }
    }

    /// The pending value passed through `f` once read.
    pub fn map<U: 'static>(self, f: impl FnOnce(T) -> U + 'static) -> Pending<U> {
        let finish = self.finish;
        Pending { tensors: self.tensors, finish: Box::new(move |floats| f(finish(floats))) }
    }

    /// Reads the values back, blocking (native code; not a browser's WebGPU device).
    pub fn read(self) -> Result<T, ReadError> {
        let floats = self.tensors.into_iter().map(|t| floats(t.into_data())).collect::<Result<_, _>>()?;
        Ok((self.finish)(floats))
    }

    /// Reads the values back without blocking (the browser's way).
    pub async fn read_async(self) -> Result<T, ReadError> {
        let mut all = Vec::with_capacity(self.tensors.len());
        for t in self.tensors {
            let data = t.into_data_async().await.map_err(|e| ReadError::Device(e.to_string()))?;
            all.push(floats(data)?);
        }
        Ok((self.finish)(all))
    }
}

impl Pending<Vec<f32>> {
    /// The floats of one tensor, flattened (row-major).
    pub fn floats<const D: usize>(tensor: Tensor<D>) -> Self {
        Self::of(tensor, |values| values)
    }
}

fn floats(data: burn::tensor::TensorData) -> Result<Vec<f32>, ReadError> {
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| ReadError::DataType(format!("{e:?}")))
}
