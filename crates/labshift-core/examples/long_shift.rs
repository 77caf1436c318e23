//! Writes a long benchmark shift: the 40-specimen benchmark shift with its
//! specimens repeated over a longer day (see BENCHMARKS.md).
//! Usage: `cargo run -p labshift-core --example long_shift -- TEMPLATE COUNT HOURS > OUT.ron`

#[path = "../benches/support/long_shift.rs"]
mod long_shift;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, count, hours] = args.as_slice() else {
        eprintln!("usage: long_shift TEMPLATE COUNT HOURS > OUT.ron");
        return std::process::ExitCode::from(2);
    };
    let (Ok(count), Ok(hours)) = (count.parse::<usize>(), hours.parse::<u32>()) else {
        eprintln!("error: COUNT and HOURS are whole numbers");
        return std::process::ExitCode::from(2);
    };
    let text = std::fs::read_to_string(template).map_err(|e| format!("{template}: {e}"));
    match text.and_then(|t| long_shift::long_shift(&t, count, hours)) {
        Ok(scenario) => {
            print!("{scenario}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
