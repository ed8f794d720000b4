// bench/stack.jsonnet: N copies of the payment unit (bench/payment.jsonnet) in one template,
// the Jsonnet side of bench/gen.sh. N is an external variable:
//   jsonnet --ext-code N=100 bench/stack.jsonnet
// N = 1 is examples/payment.drl's stack (id "", name "payments"); otherwise copy k has logical
// ids "P<k>..." and physical names "payments<k>-...", as in bench/gen.sh.
local payment = import 'payment.jsonnet';
local code = importstr '../lambda/payment_processor.py';
local n = std.extVar('N');

payment.template(
  if n == 1 then [payment.unit('', 'payments', code)]
  else [payment.unit('P%d' % k, 'payments%d' % k, code) for k in std.range(1, n)]
)
