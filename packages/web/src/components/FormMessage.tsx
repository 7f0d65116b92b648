/** A form's error (role="alert", announced at once) or success (role="status", announced politely). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-message form-error" role="alert">
      {message}
    </p>
  );
}

export function FormSuccess({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-message form-success" role="status">
      {message}
    </p>
  );
}
