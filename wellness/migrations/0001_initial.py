from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from wellness.models.accounts import Role
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(db_index=True, max_length=64)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_failures', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One failed sign-in, keyed by a hash of the account name or of the address.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('password_hash', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(max_length=80)),
                ('role', fields.CharEnumField(default=Role.CLIENT, description='CLIENT: client\nCOUNSELOR: counselor\nADMIN: admin', enum_type=Role, max_length=16)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('locale', fields.CharField(default='en', max_length=16)),
                ('hide_streaks', fields.BooleanField(default=False)),
                ('discreet_notifications', fields.BooleanField(default=True)),
                ('quiet_start', fields.CharField(default='22:00', max_length=5)),
                ('quiet_end', fields.CharField(default='07:00', max_length=5)),
                ('totp_secret_sealed', fields.TextField(null=True, unique=False)),
                ('totp_enabled', fields.BooleanField(default=False)),
                ('password_changed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sessions', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
