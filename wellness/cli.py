"""The ``wellness`` command: serve, migrate, user, content, vapid, audit, check."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from wellness.config import SETTINGS_DOC, Settings, SettingsError, deploy_problems


def _settings() -> Settings:
    return Settings.from_env()


async def _with_orm(settings: Settings, work: object) -> None:
    from tortoise import Tortoise

    from wellness.db import tortoise_config

    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)
    try:
        await work  # type: ignore[misc]
    finally:
        await Tortoise.close_connections()


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from wellness.app import create_app
    from wellness.logs import configure_logging

    settings = _settings()
    configure_logging(settings.log_level)
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_config=None,
        access_log=False, proxy_headers=args.proxy_headers, server_header=False,
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from tortoise.migrations.api.migrate import migrate

    from wellness.db import tortoise_config

    settings = _settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> None:
        from tortoise import Tortoise

        try:
            await migrate(config=tortoise_config(settings))
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())
    print("Migrations applied.")
    return 0


def cmd_makemigrations(args: argparse.Namespace) -> int:
    from tortoise.cli.cli import CLIContext, makemigrations

    ctx = CLIContext(config="wellness.db.MIGRATIONS_CONFIG", config_file=None)
    asyncio.run(makemigrations(ctx, (), False, args.name))
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from wellness.errors import WellnessError
    from wellness.models.accounts import Role
    from wellness.services.accounts import create_user

    password = os.environ.get("WELLNESS_NEW_USER_PASSWORD") or getpass.getpass("Password: ")

    async def run() -> None:
        user = await create_user(username=args.username, password=password,
                                 display_name=args.display_name or args.username,
                                 timezone=args.timezone, role=Role(args.role))
        print(f"Created {user.role.value} {user.username}.")

    try:
        asyncio.run(_with_orm(_settings(), run()))
    except WellnessError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        for err in exc.errors or []:
            print(f"  {err['field']}: {err['message']}", file=sys.stderr)
        return 1
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    from wellness.content.catalog import check_content

    settings = _settings()
    problems = check_content(crisis_file=settings.crisis_resources_file)
    for p in problems:
        print(f"{p.file}: {p.field}: {p.message}")
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("Content is valid.")
    return 0


def cmd_vapid(args: argparse.Namespace) -> int:
    from wellness.crypto import generate_vapid_private_key, vapid_public_key

    if args.generate:
        key = generate_vapid_private_key()
        print(f"WELLNESS_VAPID_PRIVATE_KEY={key}")
        print(f"# public key: {vapid_public_key(key)}")
    else:
        print(vapid_public_key(_settings().vapid_private_key))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from wellness.services.audit import ChainReport, verify_chain

    reports: list[ChainReport] = []

    async def run() -> None:
        reports.append(await verify_chain())

    asyncio.run(_with_orm(_settings(), run()))
    report = reports[0]
    if not report.ok:
        print(f"Audit row {report.broken_id} is broken: {report.reason} "
              f"({report.checked} rows before it are intact).", file=sys.stderr)
        return 1
    print(f"Audit chain intact: {report.checked} rows.")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    settings = _settings()
    problems = deploy_problems(settings) if args.deploy else []
    for p in problems:
        print(f"unsafe: {p}")
    if problems:
        return 1
    print("Settings look safe for production." if args.deploy else "Settings load.")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    for name, doc in SETTINGS_DOC.items():
        print(f"{name}\n    {doc}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wellness", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="Serve the app with uvicorn.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--proxy-headers", action="store_true")
    p.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="Apply database migrations.").set_defaults(func=cmd_migrate)
    p = sub.add_parser("makemigrations", help="Write a migration for model changes.")
    p.add_argument("--name")
    p.set_defaults(func=cmd_makemigrations)

    user = sub.add_parser("user", help="Manage accounts.").add_subparsers(dest="action",
                                                                          required=True)
    p = user.add_parser("create", help="Create an account (password from a prompt).")
    p.add_argument("username")
    p.add_argument("--role", choices=["client", "counselor", "admin"], default="counselor")
    p.add_argument("--display-name")
    p.add_argument("--timezone", default="UTC")
    p.set_defaults(func=cmd_user_create)

    content = sub.add_parser("content", help="Content library.").add_subparsers(
        dest="action", required=True)
    content.add_parser("check", help="Validate every content file.").set_defaults(
        func=cmd_content_check)

    p = sub.add_parser("vapid", help="Print the VAPID public key, or --generate a key pair.")
    p.add_argument("--generate", action="store_true")
    p.set_defaults(func=cmd_vapid)

    p = sub.add_parser("check", help="Check settings; --deploy fails on unsafe production ones.")
    p.add_argument("--deploy", action="store_true")
    p.set_defaults(func=cmd_check)

    audit = sub.add_parser("audit", help="Access history.").add_subparsers(dest="action",
                                                                           required=True)
    audit.add_parser("verify", help="Walk the audit hash chain; fail naming the first broken "
                     "row.").set_defaults(func=cmd_audit_verify)

    sub.add_parser("settings", help="List every setting.").set_defaults(func=cmd_settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except SettingsError as error:
        print(f"wellness: {error}", file=sys.stderr)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
