import type { Ref } from 'react';
import { Field } from '../../components/Field.js';
import type { AccountFormValues } from './account-form-values.js';

/** Who the account is for: what the setup wizard asks first and the account form starts with. */
export type NameEmailPassword = Pick<AccountFormValues, 'name' | 'email' | 'password'>;

type Props = {
  values: NameEmailPassword;
  onChange: (field: keyof NameEmailPassword, value: string) => void;
  /** No password field: a kept account's password is changed elsewhere. */
  withoutPassword?: boolean;
  passwordRef?: Ref<HTMLInputElement>;
  /** Said to assistive technology (aria-required); the form checks an empty password itself, in words. */
  passwordRequired?: boolean;
};

/** The Name, Email address and Password fields, under the names the product promises. */
export function NameEmailPasswordFields({ values, onChange, withoutPassword = false, passwordRef, passwordRequired }: Props) {
  return (
    <>
      <Field label="Name" value={values.name} onChange={(e) => onChange('name', e.target.value)} autoComplete="name" required />
      <Field label="Email address" type="email" value={values.email} onChange={(e) => onChange('email', e.target.value)} autoComplete="email" required />
      {withoutPassword ? null : (
        <Field
          ref={passwordRef}
          label="Password"
          type="password"
          value={values.password}
          onChange={(e) => onChange('password', e.target.value)}
          autoComplete="current-password"
          aria-required={passwordRequired}
        />
      )}
    </>
  );
}
