// SPDX-License-Identifier: GPL-2.0-only
pub struct Bus;

#[cfg(test)]
mod tests {
    extern crate vault;
}
