// Compile error whose message is the container's mount table.
//
// `compile_error!` stops the compiler with its argument as the message, and `include_str!`
// makes that argument the text of /proc/self/mountinfo, read by the compiler in the sandbox.
// The root mount's options name the host's Docker directory and overlay layers; the compile log
// shown to the submission's author must not.
compile_error!(include_str!("/proc/self/mountinfo"));

fn main() {}
