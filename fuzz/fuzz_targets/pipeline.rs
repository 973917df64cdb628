#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| newsdedup_fuzz::pipeline(data));
