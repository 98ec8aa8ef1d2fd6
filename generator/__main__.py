from generator.cli.main import main

raise SystemExit(main(process_ends=True))
