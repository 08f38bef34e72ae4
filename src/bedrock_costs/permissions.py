"""The IAM actions behind each AWS API operation the scripts call.

An AccessDenied error names the action to grant from here, and docs/onboarding.md lists the same
actions per script (a test keeps the two in step).
"""

from __future__ import annotations

IAM_ACTIONS: dict[str, tuple[str, ...]] = {
    # sts
    "GetCallerIdentity": (),
    # s3
    "HeadBucket": ("s3:ListBucket",),
    "CreateBucket": ("s3:CreateBucket",),
    "GetBucketLocation": ("s3:GetBucketLocation",),
    "GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock",),
    "PutPublicAccessBlock": ("s3:PutBucketPublicAccessBlock",),
    "GetBucketOwnershipControls": ("s3:GetBucketOwnershipControls",),
    "PutBucketOwnershipControls": ("s3:PutBucketOwnershipControls",),
    "GetBucketEncryption": ("s3:GetEncryptionConfiguration",),
    "PutBucketEncryption": ("s3:PutEncryptionConfiguration",),
    "GetBucketPolicy": ("s3:GetBucketPolicy",),
    "PutBucketPolicy": ("s3:PutBucketPolicy",),
    # kms
    "GetKeyPolicy": ("kms:GetKeyPolicy",),
    "PutKeyPolicy": ("kms:PutKeyPolicy",),
    # logs
    "DescribeLogGroups": ("logs:DescribeLogGroups",),
    "CreateLogGroup": ("logs:CreateLogGroup",),
    "PutRetentionPolicy": ("logs:PutRetentionPolicy",),
    "FilterLogEvents": ("logs:FilterLogEvents",),
    # iam
    "GetRole": ("iam:GetRole",),
    "CreateRole": ("iam:CreateRole",),
    "UpdateAssumeRolePolicy": ("iam:UpdateAssumeRolePolicy",),
    "GetRolePolicy": ("iam:GetRolePolicy",),
    "PutRolePolicy": ("iam:PutRolePolicy",),
    # bedrock
    "GetModelInvocationLoggingConfiguration": ("bedrock:GetModelInvocationLoggingConfiguration",),
    "PutModelInvocationLoggingConfiguration": (
        "bedrock:PutModelInvocationLoggingConfiguration",
        "iam:PassRole",
    ),
    "GetFoundationModel": ("bedrock:GetFoundationModel",),
    "ListInferenceProfiles": ("bedrock:ListInferenceProfiles",),
    "GetInferenceProfile": ("bedrock:GetInferenceProfile",),
    "CreateInferenceProfile": ("bedrock:CreateInferenceProfile", "bedrock:TagResource"),
    "ListTagsForResource": ("bedrock:ListTagsForResource",),
    "TagResource": ("bedrock:TagResource",),
    # bedrock-runtime
    "Converse": ("bedrock:InvokeModel",),
    "InvokeModel": ("bedrock:InvokeModel",),
    # ce
    "ListCostAllocationTags": ("ce:ListCostAllocationTags",),
    "UpdateCostAllocationTagsStatus": ("ce:UpdateCostAllocationTagsStatus",),
    # budgets
    "DescribeBudget": ("budgets:ViewBudget",),
    "DescribeNotificationsForBudget": ("budgets:ViewBudget",),
    "DescribeSubscribersForNotification": ("budgets:ViewBudget",),
    "CreateBudget": ("budgets:ModifyBudget",),
    "UpdateBudget": ("budgets:ModifyBudget",),
    "CreateNotification": ("budgets:ModifyBudget",),
    "DeleteNotification": ("budgets:ModifyBudget",),
    "CreateSubscriber": ("budgets:ModifyBudget",),
    "DeleteSubscriber": ("budgets:ModifyBudget",),
    # sns (budget-alerts --sns-topic-arn)
    "Publish": ("sns:Publish",),
    # athena (budget-alerts reading the budget mart on Athena)
    "StartQueryExecution": ("athena:StartQueryExecution",),
    "GetQueryExecution": ("athena:GetQueryExecution",),
    "GetQueryResults": ("athena:GetQueryResults",),
}


def iam_actions(operation: str) -> tuple[str, ...]:
    """The IAM actions an operation needs; empty when unknown or none."""
    return IAM_ACTIONS.get(operation, ())
